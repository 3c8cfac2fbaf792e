import { Arg, Authorized, Ctx, Mutation, Resolver } from 'type-graphql';
import type { Context } from '../../context';
import { validateInput } from '../../graphql/validate-input';
import { RecordAgentRunInput } from './agent-run.inputs';
import { AgentRun } from './agent-run.type';
import { recordAgentRun } from './agent-run.write-service';

@Resolver()
export class AgentRunMutations {
  @Authorized('writer')
  @Mutation(() => AgentRun)
  async recordAgentRun(
    @Arg('input', () => RecordAgentRunInput, { validateFn: validateInput('input') }) input: RecordAgentRunInput,
    @Ctx() ctx: Context,
  ): Promise<AgentRun> {
    const run = await recordAgentRun(ctx.db, input);
    ctx.loaders.reset();
    return run;
  }
}
