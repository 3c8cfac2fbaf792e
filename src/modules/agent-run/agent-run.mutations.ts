import { Args, Authorized, Ctx, Mutation, Resolver } from 'type-graphql';
import type { Context } from '../../context';
import { RecordAgentRunArgs } from './agent-run.inputs';
import { AgentRun } from './agent-run.type';
import { recordAgentRun } from './agent-run.write-service';

@Resolver()
export class AgentRunMutations {
  @Authorized('writer')
  @Mutation(() => AgentRun, { description: 'Records a run of an agent that runs outside this server.' })
  recordAgentRun(@Args() { input }: RecordAgentRunArgs, @Ctx() ctx: Context): Promise<AgentRun> {
    return recordAgentRun(ctx.db, input);
  }
}
