import { Field, Float, ID, ObjectType } from 'type-graphql';
import { allColumnsSql, ColumnMap } from '../../db/sql/columns';
import { connectionType } from '../../graphql/connection';
import { DateTimeScalar } from '../../graphql/scalars';
import { Node } from '../../graphql/node';

@ObjectType('Insight', {
  implements: Node,
  simpleResolvers: true,
  description: 'A topic worth making content about, with its relevance score.',
})
export class Insight {
  @Field(() => ID, { description: 'The insight id.' })
  id!: string;

  @Field({ description: 'The topic, in a few words.' })
  topic!: string;

  @Field(() => String, { nullable: true, description: 'A longer summary; null when none was given.' })
  summary!: string | null;

  @Field(() => String, { nullable: true, description: 'Where the insight came from (a URL, a tool or a person); null when unknown.' })
  source!: string | null;

  @Field(() => Float, { description: 'Relevance, a ratio, 0..1.' })
  score!: number;

  @Field(() => DateTimeScalar, { description: 'When the insight was recorded.' })
  createdAt!: Date;
}

export const InsightConnection = connectionType('Insight', Insight);

/** An Insight's columns from alias `t`, by field (src/db/sql/columns.ts). */
export const INSIGHT_FIELDS: ColumnMap = {
  id: 't.id::text',
  topic: 't.topic',
  summary: 't.summary',
  source: 't.source',
  score: 't.score',
  createdAt: 't.created_at',
};
export const INSIGHT_KEYS = ['id'] as const;

/** SELECT list that yields an Insight from alias `t`. */
export const INSIGHT_COLUMNS = allColumnsSql(INSIGHT_FIELDS);
