import { Field, Float, InputType } from 'type-graphql';
import { CommunityUserOrderField, Platform, SortDirection, Tier } from '../../graphql/enums';
import { StorableText, TrimmedText } from '../../graphql/validators';

@InputType()
export class CommunityUserFilter {
  @Field(() => Tier, { nullable: true })
  tier?: Tier | null;

  @Field(() => Platform, { nullable: true })
  platform?: Platform | null;

  @Field(() => Float, { nullable: true })
  minScore?: number | null;
}

@InputType()
export class CommunityUserOrder {
  @Field(() => CommunityUserOrderField)
  field!: CommunityUserOrderField;

  @Field(() => SortDirection)
  direction!: SortDirection;
}

@InputType()
export class UpsertCommunityUserInput {
  @Field()
  @TrimmedText(500)
  handle!: string;

  @Field(() => Platform)
  platform!: Platform;

  /** Left out: an existing user keeps its display name; null clears it. */
  @Field(() => String, { nullable: true })
  @StorableText()
  displayName?: string | null;
}
