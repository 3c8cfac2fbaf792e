import { AgentRunEntity } from '../modules/agent-run/agent-run.entity';
import { CommunityUserEntity } from '../modules/community-user/community-user.entity';
import { ContentPlanEntity } from '../modules/content-plan/content-plan.entity';
import { InsightEntity } from '../modules/insight/insight.entity';
import { PerformanceSnapshotEntity } from '../modules/performance-snapshot/performance-snapshot.entity';
import { PublishedContentEntity } from '../modules/published-content/published-content.entity';
import { StrategyEntity } from '../modules/strategy/strategy.entity';
import { UserInteractionEntity } from '../modules/user-interaction/user-interaction.entity';

export const ENTITIES = [
  InsightEntity, ContentPlanEntity, PublishedContentEntity, CommunityUserEntity, UserInteractionEntity,
  AgentRunEntity, PerformanceSnapshotEntity, StrategyEntity,
];
