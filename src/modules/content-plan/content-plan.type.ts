import { Field, ID, ObjectType } from 'type-graphql';
import { connectionType } from '../../graphql/connection';
import { ContentFormat, PlanStatus, Platform } from '../../graphql/enums';
import { DateTimeScalar } from '../../graphql/scalars';

@ObjectType('ContentPlan', { simpleResolvers: true })
export class ContentPlan {
  @Field(() => ID)
  id!: string;

  @Field()
  title!: string;

  @Field(() => ContentFormat)
  format!: ContentFormat;

  @Field(() => Platform)
  platform!: Platform;

  @Field(() => PlanStatus)
  status!: PlanStatus;

  @Field(() => DateTimeScalar, { nullable: true })
  scheduledFor!: Date | null;

  @Field(() => DateTimeScalar)
  createdAt!: Date;

  /** Not in the schema: the key for the `insight` relation. */
  insightId!: number | null;
}

export const ContentPlanConnection = connectionType('ContentPlan', ContentPlan);

export const CONTENT_PLAN_COLUMNS = `t.id::text AS id, t.title, upper(t.format) AS format, upper(t.platform) AS platform,
  upper(t.status) AS status, t.scheduled_for AS "scheduledFor", t.created_at AS "createdAt", t.insight_id AS "insightId"`;
