import { Field, ID, ObjectType } from 'type-graphql';
import { allColumnsSql, ColumnMap } from '../../db/sql/columns';
import { connectionType } from '../../graphql/connection';
import { ContentFormat, PlanStatus, Platform } from '../../graphql/enums';
import { DateTimeScalar } from '../../graphql/scalars';
import { Node } from '../../graphql/node';

@ObjectType('ContentPlan', {
  implements: Node,
  simpleResolvers: true,
  description: 'A planned piece of content, usually drawn from an insight.',
})
export class ContentPlan {
  @Field(() => ID, { description: 'The content plan id.' })
  id!: string;

  @Field({ description: 'The working title.' })
  title!: string;

  @Field(() => ContentFormat, { description: 'The planned format.' })
  format!: ContentFormat;

  @Field(() => Platform, { description: 'The planned platform.' })
  platform!: Platform;

  @Field(() => PlanStatus, { description: 'Where the plan stands.' })
  status!: PlanStatus;

  @Field(() => DateTimeScalar, { nullable: true, description: 'When it is to be published; null when not scheduled.' })
  scheduledFor!: Date | null;

  @Field(() => DateTimeScalar, { description: 'When the plan was recorded.' })
  createdAt!: Date;

  /** Not in the schema: the key for the `insight` relation. */
  insightId!: number | null;
}

export const ContentPlanConnection = connectionType('ContentPlan', ContentPlan);

/** A ContentPlan's columns from alias `t`, by field (src/db/sql/columns.ts). */
export const CONTENT_PLAN_FIELDS: ColumnMap = {
  id: 't.id::text',
  title: 't.title',
  format: 'upper(t.format)',
  platform: 'upper(t.platform)',
  status: 'upper(t.status)',
  scheduledFor: 't.scheduled_for',
  createdAt: 't.created_at',
  insightId: 't.insight_id',
};
/** The columns a joined plan carries whatever the selection: its id and the insight's key. */
export const CONTENT_PLAN_KEYS = ['id', 'insightId'] as const;

export const CONTENT_PLAN_COLUMNS = allColumnsSql(CONTENT_PLAN_FIELDS);
