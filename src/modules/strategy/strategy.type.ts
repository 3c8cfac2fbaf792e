import { Field, Float, ID, Int, ObjectType } from 'type-graphql';
import { connectionType } from '../../graphql/connection';
import { ContentFormat, Platform } from '../../graphql/enums';
import { DateTimeScalar } from '../../graphql/scalars';

@ObjectType('FormatWeight', { simpleResolvers: true })
export class FormatWeight {
  @Field(() => ContentFormat)
  format!: ContentFormat;

  @Field(() => Float)
  weight!: number;
}

@ObjectType('PlatformWeight', { simpleResolvers: true })
export class PlatformWeight {
  @Field(() => Platform)
  platform!: Platform;

  @Field(() => Float)
  weight!: number;
}

/** formatWeights, platformWeights, snapshot and run are field resolvers (StrategyResolver). */
@ObjectType('Strategy', { simpleResolvers: true })
export class Strategy {
  @Field(() => ID)
  id!: string;

  @Field(() => Int)
  version!: number;

  @Field(() => DateTimeScalar)
  createdAt!: Date;

  @Field(() => Float)
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
