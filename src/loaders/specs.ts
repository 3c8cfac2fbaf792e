import type { ChildSpec } from '../db/sql/pages';
import { CONTENT_PLAN_COLUMNS } from '../modules/content-plan/content-plan.type';
import { USER_INTERACTION_COLUMNS } from '../modules/user-interaction/user-interaction.type';

/** The nested connections of the schema: which rows, which parent key, which order. */
export const CHILD_SPECS = {
  // Insight.contentPlans: createdAt DESC (idx_content_plans_insight_created_at).
  plansByInsight: {
    from: 'content_plans t',
    columns: CONTENT_PLAN_COLUMNS,
    parentColumn: 't.insight_id',
    parentCast: 'int4',
    order: { key: 't.created_at', keyCast: 'timestamptz', nullable: false, id: 't.id', desc: true },
  },
  // CommunityUser.interactions: timestamp DESC (idx_user_interaction_user_timestamp).
  interactionsByUser: {
    from: 'user_interactions t',
    columns: USER_INTERACTION_COLUMNS,
    parentColumn: 't.user_id',
    parentCast: 'int4',
    sinceColumn: 't.timestamp',
    order: { key: 't.timestamp', keyCast: 'timestamptz', nullable: false, id: 't.id', desc: true },
  },
  // PublishedContent.interactions: timestamp DESC (idx_user_interactions_content_timestamp).
  interactionsByContent: {
    from: 'user_interactions t',
    columns: USER_INTERACTION_COLUMNS,
    parentColumn: 't.content_id',
    parentCast: 'int4',
    order: { key: 't.timestamp', keyCast: 'timestamptz', nullable: false, id: 't.id', desc: true },
  },
} satisfies Record<string, ChildSpec>;
