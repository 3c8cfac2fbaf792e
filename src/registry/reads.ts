import { AgentRunResolver } from '../modules/agent-run/agent-run.resolver';
import { CommunityUserResolver } from '../modules/community-user/community-user.resolver';
import { ContentPlanResolver } from '../modules/content-plan/content-plan.resolver';
import { InsightResolver } from '../modules/insight/insight.resolver';
import { PublishedContentResolver } from '../modules/published-content/published-content.resolver';
import { UserInteractionResolver } from '../modules/user-interaction/user-interaction.resolver';

/** The read API of issue 2: entities, relations, connections. */
export const READ_RESOLVERS: Function[] = [
  InsightResolver,
  ContentPlanResolver,
  PublishedContentResolver,
  CommunityUserResolver,
  UserInteractionResolver,
  AgentRunResolver,
];
