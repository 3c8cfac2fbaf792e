import { Field, ID, ObjectType } from 'type-graphql';
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

export const CONTENT_PLAN_COLUMNS = `t.id::text AS id, t.title, upper(t.format) AS format, upper(t.platform) AS platform,
  upper(t.status) AS status, t.scheduled_for AS "scheduledFor", t.created_at AS "createdAt", t.insight_id AS "insightId"`;
