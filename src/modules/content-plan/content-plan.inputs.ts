import { ValidateNested } from 'class-validator';
import { ArgsType, Field, ID, InputType } from 'type-graphql';
import { ConnectionArgs } from '../../graphql/args';
import { ContentFormat, PlanStatus, Platform } from '../../graphql/enums';
import { DateTimeScalar } from '../../graphql/scalars';
import { IsEntityId, TrimmedText } from '../../graphql/validators';

@InputType()
export class ContentPlanFilter {
  @Field(() => ContentFormat, { nullable: true })
  format?: ContentFormat | null;

  @Field(() => Platform, { nullable: true })
  platform?: Platform | null;

  @Field(() => PlanStatus, { nullable: true })
  status?: PlanStatus | null;

  @Field(() => ID, { nullable: true })
  @IsEntityId()
  insightId?: string | null;
}

@ArgsType()
export class ContentPlansArgs extends ConnectionArgs {
  @Field(() => ContentPlanFilter, { nullable: true })
  @ValidateNested()
  filter?: ContentPlanFilter | null;
}

@InputType()
export class CreateContentPlanInput {
  @Field(() => ID, { nullable: true })
  @IsEntityId()
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

@ArgsType()
export class CreateContentPlanArgs {
  @Field(() => CreateContentPlanInput)
  @ValidateNested()
  input!: CreateContentPlanInput;
}
