import { Args, Authorized, Ctx, Query, Resolver } from 'type-graphql';
import type { Context } from '../../context';
import type { Page } from '../../db/sql/pages';
import { IdArgs } from '../../graphql/args';
import { entityId } from '../../graphql/validators';
import { AgentRunsArgs } from './agent-run.inputs';
import { listAgentRuns } from './agent-run.service';
import { AgentRun, AgentRunConnection } from './agent-run.type';

@Resolver(() => AgentRun)
export class AgentRunResolver {
  @Authorized('reader')
  @Query(() => AgentRun, { nullable: true, description: 'The agent run with this id; null when there is none.' })
  agentRun(@Args() { id }: IdArgs, @Ctx() ctx: Context): Promise<AgentRun | null> {
    return ctx.loaders.agentRun.load(entityId(id));
  }

  @Authorized('reader')
  @Query(() => AgentRunConnection, { description: 'Agent runs, newest startedAt first.' })
  agentRuns(@Args() args: AgentRunsArgs, @Ctx() ctx: Context): Promise<Page<AgentRun>> {
    return listAgentRuns(ctx.db, args);
  }
}
