import { Field, Float, InputType } from 'type-graphql';
import { CommunityUserOrderField, Platform, SortDirection, Tier } from '../../graphql/enums';

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
