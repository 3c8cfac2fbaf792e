import { ValidateNested } from 'class-validator';
import { ArgsType, Field, Float, InputType } from 'type-graphql';
import { ConnectionArgs } from '../../graphql/args';
import { CommunityUserOrderField, Platform, SortDirection, Tier } from '../../graphql/enums';
import { DateTimeScalar } from '../../graphql/scalars';
import { TrimmedText } from '../../graphql/validators';

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

@ArgsType()
export class CommunityUsersArgs extends ConnectionArgs {
  @Field(() => CommunityUserFilter, { nullable: true })
  @ValidateNested()
  filter?: CommunityUserFilter | null;

  @Field(() => CommunityUserOrder, {
    nullable: true,
    defaultValue: { field: CommunityUserOrderField.ENGAGEMENT_SCORE, direction: SortDirection.DESC },
  })
  @ValidateNested()
  orderBy?: CommunityUserOrder | null;
}

/** CommunityUser.interactions. */
@ArgsType()
export class UserInteractionsArgs extends ConnectionArgs {
  @Field(() => DateTimeScalar, { nullable: true })
  since?: Date | null;
}

@InputType()
export class UpsertCommunityUserInput {
  @Field({ description: '1 to 500 characters after trimming; stored trimmed. Unique per platform.' })
  @TrimmedText(500)
  handle!: string;

  @Field(() => Platform)
  platform!: Platform;

  @Field(() => String, { nullable: true, description: 'Left out: an existing user keeps its display name; null clears it.' })
  displayName?: string | null;
}

@ArgsType()
export class UpsertCommunityUserArgs {
  @Field(() => UpsertCommunityUserInput)
  @ValidateNested()
  input!: UpsertCommunityUserInput;
}
