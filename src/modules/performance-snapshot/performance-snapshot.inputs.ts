import { ArgsType, Field, Int } from 'type-graphql';
import { MAX_FIRST } from '../../graphql/connection';
import { Platform } from '../../graphql/enums';
import { IntRange } from '../../graphql/validators';

@ArgsType()
export class LatestPerformanceSnapshotArgs {
  @Field(() => Platform, {
    nullable: true,
    description: 'The newest snapshot restricted to this platform; null for the newest across all platforms.',
  })
  platform?: Platform | null;
}

/** PerformanceSnapshot.topContent. An explicit null means the default, like leaving it out. */
@ArgsType()
export class TopContentArgs {
  @Field(() => Int, { nullable: true, defaultValue: 10, description: 'How many rows: 0..100, default 10 (also when null).' })
  @IntRange(0, MAX_FIRST)
  first?: number | null;
}
