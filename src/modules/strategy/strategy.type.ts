import { Field, Float, ID, Int, ObjectType } from 'type-graphql';
import { connectionType } from '../../graphql/connection';
import { ContentFormat, Platform } from '../../graphql/enums';
import { DateTimeScalar } from '../../graphql/scalars';
import { Node } from '../../graphql/node';

@ObjectType('FormatWeight', { simpleResolvers: true, description: 'The weight of one content format in a strategy.' })
export class FormatWeight {
  @Field(() => ContentFormat, { description: 'The content format.' })
  format!: ContentFormat;

  @Field(() => Float, { description: 'Its share of effort, 0..1; the weights of a strategy sum to 1.' })
  weight!: number;
}

@ObjectType('PlatformWeight', { simpleResolvers: true, description: 'The weight of one platform in a strategy.' })
export class PlatformWeight {
  @Field(() => Platform, { description: 'The platform.' })
  platform!: Platform;

  @Field(() => Float, { description: 'Its share of effort, 0..1; the weights of a strategy sum to 1.' })
  weight!: number;
}

/** formatWeights, platformWeights, snapshot and run are field resolvers (StrategyResolver). */
@ObjectType('Strategy', {
  implements: Node,
  simpleResolvers: true,
  description: 'A version of the content strategy written by tuneStrategy: a weight for every format and platform.',
})
export class Strategy {
  @Field(() => ID, { description: 'The strategy id.' })
  id!: string;

  @Field(() => Int, { description: 'The version number, 1 for the first; each tuning adds one.' })
  version!: number;

  @Field(() => DateTimeScalar, { description: 'When this version was written.' })
  createdAt!: Date;

  @Field(() => Float, { description: 'How far the weights moved towards the snapshot: 1e-6..1.' })
  learningRate!: number;
}

/** A strategies row in the GraphQL shape, with the stored weight maps ({"VIDEO": 0.11, ...}) and keys. */
export interface StrategyRow extends Strategy {
  formatWeightMap: Record<string, number>;
  platformWeightMap: Record<string, number>;
  snapshotId: number;
  runId: number;
}

export const StrategyConnection = connectionType('Strategy', Strategy);

export const STRATEGY_COLUMNS = `t.id::text AS id, t.version, t.created_at AS "createdAt", t.learning_rate AS "learningRate",
  t.format_weights AS "formatWeightMap", t.platform_weights AS "platformWeightMap", t.snapshot_id AS "snapshotId", t.run_id AS "runId"`;
