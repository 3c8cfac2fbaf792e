import { ValidateNested } from '../../graphql/class-validator';
import { ArgsType, Field, Float, InputType } from 'type-graphql';
import { ConnectionArgs } from '../../graphql/args';
import { CommunityUserOrderField, Platform, SortDirection, Tier } from '../../graphql/enums';
import { DateTimeScalar } from '../../graphql/scalars';
import { TrimmedText } from '../../graphql/validators';

@InputType({ description: 'Conditions on community users; all given conditions must hold, and one left out or null does not filter.' })
export class CommunityUserFilter {
  @Field(() => Tier, { nullable: true, description: 'Only users in this tier.' })
  tier?: Tier | null;

  @Field(() => Platform, { nullable: true, description: 'Only users on this platform.' })
  platform?: Platform | null;

  @Field(() => Float, { nullable: true, description: 'Only users with engagementScore >= minScore.' })
  minScore?: number | null;
}

@InputType({ description: 'A sort order for community users; ties are broken by id in the same direction.' })
export class CommunityUserOrder {
  @Field(() => CommunityUserOrderField, { description: 'The key to sort by.' })
  field!: CommunityUserOrderField;

  @Field(() => SortDirection, { description: 'Ascending or descending.' })
  direction!: SortDirection;
}

@ArgsType()
export class CommunityUsersArgs extends ConnectionArgs {
  @Field(() => CommunityUserFilter, { nullable: true, description: 'Conditions the users must meet; null for all users.' })
  @ValidateNested()
  filter?: CommunityUserFilter | null;

  @Field(() => CommunityUserOrder, {
    nullable: true,
    defaultValue: { field: CommunityUserOrderField.ENGAGEMENT_SCORE, direction: SortDirection.DESC },
    description: 'The sort order; default ENGAGEMENT_SCORE DESC (highest score first).',
  })
  @ValidateNested()
  orderBy?: CommunityUserOrder | null;
}

/** CommunityUser.interactions. */
@ArgsType()
export class UserInteractionsArgs extends ConnectionArgs {
  @Field(() => DateTimeScalar, { nullable: true, description: 'Only interactions with timestamp >= since (inclusive); null for all.' })
  since?: Date | null;
}

@InputType({ description: 'A community user to create, or to update when the handle already exists on the platform.' })
export class UpsertCommunityUserInput {
  @Field({ description: 'The handle on the platform: 1..500 characters after trimming, stored trimmed; unique per platform.' })
  @TrimmedText(500)
  handle!: string;

  @Field(() => Platform, { description: 'The platform the handle belongs to.' })
  platform!: Platform;

  @Field(() => String, {
    nullable: true,
    description: 'The display name; when left out an existing user keeps its own, and null clears it.',
  })
  displayName?: string | null;
}

@ArgsType()
export class UpsertCommunityUserArgs {
  @Field(() => UpsertCommunityUserInput, { description: 'The user to create or update.' })
  @ValidateNested()
  input!: UpsertCommunityUserInput;
}
