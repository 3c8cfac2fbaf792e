import { Field, ID, InputType } from 'type-graphql';
import { ContentFormat, ContentOrderField, Platform, SortDirection } from '../../graphql/enums';
import { DateTimeScalar } from '../../graphql/scalars';

@InputType()
export class ContentFilter {
  @Field(() => Platform, { nullable: true })
  platform?: Platform | null;

  @Field(() => ContentFormat, { nullable: true })
  format?: ContentFormat | null;

  @Field(() => DateTimeScalar, { nullable: true, description: 'Inclusive.' })
  publishedAfter?: Date | null;

  @Field(() => DateTimeScalar, { nullable: true, description: 'Inclusive.' })
  publishedBefore?: Date | null;

  @Field(() => ID, { nullable: true })
  insightId?: string | null;
}

@InputType()
export class ContentOrder {
  @Field(() => ContentOrderField)
  field!: ContentOrderField;

  @Field(() => SortDirection)
  direction!: SortDirection;
}
