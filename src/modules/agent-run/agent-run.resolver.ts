import { Arg, Args, Authorized, Ctx, ID, Query, Resolver } from 'type-graphql';
import type { Context } from '../../context';
import { ConnectionArgs } from '../../graphql/connection-args';
import type { Page } from '../../graphql/connection';
import { RunStatus } from '../../graphql/enums';
import { parseId } from '../../graphql/ids';
import { listAgentRuns } from './agent-run.service';
import { AgentRun, AgentRunConnection } from './agent-run.type';

@Resolver(() => AgentRun)
export class AgentRunResolver {
  @Authorized('reader')
  @Query(() => AgentRun, { nullable: true })
  agentRun(@Arg('id', () => ID) id: string, @Ctx() ctx: Context): Promise<AgentRun | null> {
    return ctx.loaders.agentRun.load(parseId(id, 'id'));
  }

  @Authorized('reader')
  @Query(() => AgentRunConnection)
  agentRuns(
    @Args() { first, after }: ConnectionArgs,
    @Arg('agentName', () => String, { nullable: true }) agentName: string | null,
    @Arg('status', () => RunStatus, { nullable: true }) status: RunStatus | null,
    @Ctx() ctx: Context,
  ): Promise<Page<AgentRun>> {
    return listAgentRuns(ctx.db, { first, after, agentName, status });
  }
}
