import { Args, Authorized, Subscription, Resolver } from 'type-graphql';
import { Parent } from '../../graphql/parent';
import { TOPICS } from '../../graphql/live-hub';
import { validateArgs } from '../../graphql/validation';
import { AgentRunUpdatedArgs } from './agent-run.inputs';
import { AgentRun } from './agent-run.type';

@Resolver()
export class AgentRunSubscriptions {
  /** Payload: the run row as its status change committed (src/agents/run-agent.ts writeRunRows, src/live.ts). */
  @Authorized('reader')
  @Subscription(() => AgentRun, {
    // Runs when the subscription starts (after the role check): a bad agentName is refused then, not at each event.
    topics: ({ args }) => {
      validateArgs(Object.assign(new AgentRunUpdatedArgs(), args), AgentRunUpdatedArgs, undefined as never);
      return TOPICS.agentRun;
    },
    filter: ({ payload, args }: { payload: AgentRun; args: AgentRunUpdatedArgs }) =>
      args.agentName == null || payload.agentName === args.agentName.trim(),
    description:
      'Every status change of an agent run, on any server instance, once committed: RUNNING when it starts, then SUCCESS or ' +
      'FAILURE (also runs recorded with recordAgentRun and runs marked abandoned), in commit order.',
  })
  agentRunUpdated(@Parent() run: AgentRun, @Args() _args: AgentRunUpdatedArgs): AgentRun {
    return run;
  }
}
