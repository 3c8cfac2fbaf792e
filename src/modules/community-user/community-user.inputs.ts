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
  @Field({ description: '1 to 500 characters after trimming; stored trimmed. Unique per platform.' })
  @TrimmedText(500)
  handle!: string;

  @Field(() => Platform)
  platform!: Platform;

  @Field(() => String, { nullable: true, description: 'Left out: an existing user keeps its display name; null clears it.' })
  @StorableText()
  displayName?: string | null;
}
