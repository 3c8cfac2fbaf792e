import { AgentRunMutations } from '../modules/agent-run/agent-run.mutations';
import { CommunityUserMutations } from '../modules/community-user/community-user.mutations';
import { ContentPlanMutations } from '../modules/content-plan/content-plan.mutations';
import { InsightMutations } from '../modules/insight/insight.mutations';
import { PublishedContentMutations } from '../modules/published-content/published-content.mutations';
import { UserInteractionMutations } from '../modules/user-interaction/user-interaction.mutations';

/** The ingest mutations of issue 3 (writer role). */
export const WRITES_RESOLVERS: Function[] = [
  InsightMutations,
  ContentPlanMutations,
  PublishedContentMutations,
  CommunityUserMutations,
  UserInteractionMutations,
  AgentRunMutations,
];
