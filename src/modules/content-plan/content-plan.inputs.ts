import { Field, ID, InputType } from 'type-graphql';
import { ContentFormat, PlanStatus, Platform } from '../../graphql/enums';
import { DateTimeScalar } from '../../graphql/scalars';
import { TrimmedText } from '../../graphql/validators';

@InputType()
export class ContentPlanFilter {
  @Field(() => ContentFormat, { nullable: true })
  format?: ContentFormat | null;

  @Field(() => Platform, { nullable: true })
  platform?: Platform | null;

  @Field(() => PlanStatus, { nullable: true })
  status?: PlanStatus | null;

  @Field(() => ID, { nullable: true })
  insightId?: string | null;
}

@InputType()
export class CreateContentPlanInput {
  @Field(() => ID, { nullable: true })
  insightId?: string | null;

  @Field({ description: '1 to 500 characters after trimming; stored trimmed.' })
  @TrimmedText(500)
  title!: string;

  @Field(() => ContentFormat)
  format!: ContentFormat;

  @Field(() => Platform)
  platform!: Platform;

  /** An explicit null means the default, like leaving it out. */
  @Field(() => PlanStatus, { nullable: true, defaultValue: PlanStatus.DRAFT })
  status?: PlanStatus | null;

  @Field(() => DateTimeScalar, { nullable: true })
  scheduledFor?: Date | null;
}
