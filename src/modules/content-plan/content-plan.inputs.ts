import { ValidateNested } from '../../graphql/class-validator';
import { ArgsType, Field, ID, InputType } from 'type-graphql';
import { ConnectionArgs } from '../../graphql/args';
import { ContentFormat, PlanStatus, Platform } from '../../graphql/enums';
import { DateTimeScalar } from '../../graphql/scalars';
import { IsEntityId, TrimmedText } from '../../graphql/validators';

@InputType({ description: 'Conditions on content plans; all given conditions must hold, and one left out or null does not filter.' })
export class ContentPlanFilter {
  @Field(() => ContentFormat, { nullable: true, description: 'Only plans of this format.' })
  format?: ContentFormat | null;

  @Field(() => Platform, { nullable: true, description: 'Only plans for this platform.' })
  platform?: Platform | null;

  @Field(() => PlanStatus, { nullable: true, description: 'Only plans with this status.' })
  status?: PlanStatus | null;

  @Field(() => ID, { nullable: true, description: 'Only plans drawn from this insight.' })
  @IsEntityId()
  insightId?: string | null;
}

@ArgsType()
export class ContentPlansArgs extends ConnectionArgs {
  @Field(() => ContentPlanFilter, { nullable: true, description: 'Conditions the plans must meet; null for all plans.' })
  @ValidateNested()
  filter?: ContentPlanFilter | null;
}

@InputType({ description: 'A new content plan.' })
export class CreateContentPlanInput {
  @Field(() => ID, { nullable: true, description: 'The insight the plan is drawn from; null for none.' })
  @IsEntityId()
  insightId?: string | null;

  @Field({ description: 'The working title: 1..500 characters after trimming; stored trimmed.' })
  @TrimmedText(500)
  title!: string;

  @Field(() => ContentFormat, { description: 'The planned format.' })
  format!: ContentFormat;

  @Field(() => Platform, { description: 'The planned platform.' })
  platform!: Platform;

  /** An explicit null means the default, like leaving it out. */
  @Field(() => PlanStatus, {
    nullable: true,
    defaultValue: PlanStatus.DRAFT,
    description: 'The initial status; default DRAFT (also when null).',
  })
  status?: PlanStatus | null;

  @Field(() => DateTimeScalar, { nullable: true, description: 'When it is to be published; null when not scheduled.' })
  scheduledFor?: Date | null;
}

@ArgsType()
export class CreateContentPlanArgs {
  @Field(() => CreateContentPlanInput, { description: 'The plan to create.' })
  @ValidateNested()
  input!: CreateContentPlanInput;
}
