import { Field, Float, ID, ObjectType } from 'type-graphql';
import { connectionType } from '../../graphql/connection';
import { DateTimeScalar } from '../../graphql/scalars';

@ObjectType('Insight', { simpleResolvers: true })
export class Insight {
  @Field(() => ID)
  id!: string;

  @Field()
  topic!: string;

  @Field(() => String, { nullable: true })
  summary!: string | null;

  @Field(() => String, { nullable: true })
  source!: string | null;

  @Field(() => Float, { description: 'Relevance, 0..1.' })
  score!: number;

  @Field(() => DateTimeScalar)
  createdAt!: Date;
}

export const InsightConnection = connectionType('Insight', Insight);

/** SELECT list that yields an Insight from alias `t`. */
export const INSIGHT_COLUMNS = `t.id::text AS id, t.topic, t.summary, t.source, t.score, t.created_at AS "createdAt"`;
