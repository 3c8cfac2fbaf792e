/** Every resolver class of the API. A new module adds its resolver here. */
import { AgentRunResolver } from './modules/agent-run/agent-run.resolver';
import { CommunityUserResolver } from './modules/community-user/community-user.resolver';
import { ContentPlanResolver } from './modules/content-plan/content-plan.resolver';
import { InsightResolver } from './modules/insight/insight.resolver';
import { PublishedContentResolver } from './modules/published-content/published-content.resolver';
import { UserInteractionResolver } from './modules/user-interaction/user-interaction.resolver';

export const RESOLVERS = [
  InsightResolver,
  ContentPlanResolver,
  PublishedContentResolver,
  CommunityUserResolver,
  UserInteractionResolver,
  AgentRunResolver,
] as const;
