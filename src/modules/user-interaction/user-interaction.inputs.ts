import { ValidateNested } from '../../graphql/class-validator';
import { ArgsType, Field, ID, InputType } from 'type-graphql';
import { InteractionType } from '../../graphql/enums';
import { DateTimeScalar } from '../../graphql/scalars';
import { IsEntityId, ListLength, SameLength } from '../../graphql/validators';

export const MAX_INTERACTIONS_PER_CALL = 5000;

/**
 * One item of recordInteractions. The resolver gets the items as GraphQL coerced them, plain objects
 * (@PlainArgs, docs/architecture.md "Plain arguments"); this class gives their GraphQL type and
 * their rules, never an instance. Its fields are `declare`d (no class field definitions), so an
 * instance would have nothing the plain object lacks.
 */
@InputType({ description: 'One interaction to record.' })
export class RecordInteractionInput {
  @Field(() => ID, { description: 'The id of the community user who acted.' })
  @IsEntityId()
  declare userId: string;

  @Field(() => InteractionType, { description: 'What the user did.' })
  declare type: InteractionType;

  @Field(() => ID, { nullable: true, description: 'The id of the published content acted on; null for none.' })
  @IsEntityId()
  declare contentId?: string | null;

  @Field(() => DateTimeScalar, { nullable: true, description: 'When the user acted; default now.' })
  declare timestamp?: Date | null;
}

@ArgsType()
export class RecordInteractionsArgs {
  @Field(() => [RecordInteractionInput], { description: 'The interactions to record: 1..5000 items, written in one transaction.' })
  @ListLength(1, MAX_INTERACTIONS_PER_CALL)
  @ValidateNested({ each: true })
  input!: RecordInteractionInput[];
}

/**
 * recordInteractions' input as parallel lists (item i of each list is interaction i): the same
 * interactions and rules in a compact form that costs a fraction to send and to coerce.
 */
@InputType({
  description: 'Interactions as parallel lists: item i of each list describes interaction i (the fields of RecordInteractionInput).',
})
export class RecordInteractionColumnsInput {
  @Field(() => [ID], { description: 'The ids of the community users who acted, one per interaction: 1..5000 items.' })
  @ListLength(1, MAX_INTERACTIONS_PER_CALL)
  @IsEntityId({ each: true })
  userIds!: string[];

  @Field(() => [InteractionType], { description: 'What each user did: as many items as userIds.' })
  @SameLength('userIds')
  types!: InteractionType[];

  @Field(() => [ID], {
    nullable: 'itemsAndList',
    description: 'The published content each interaction was on (a null item: none): as many items as userIds; left out: none.',
  })
  @SameLength('userIds')
  @IsEntityId({ each: true })
  contentIds?: (string | null)[] | null;

  @Field(() => [DateTimeScalar], {
    nullable: 'itemsAndList',
    description: 'When each user acted (a null item: now): as many items as userIds; left out: now for every one.',
  })
  @SameLength('userIds')
  timestamps?: (Date | null)[] | null;
}

@ArgsType()
export class RecordInteractionColumnsArgs {
  @Field(() => RecordInteractionColumnsInput, { description: 'The interactions to record: 1..5000, written in one transaction.' })
  @ValidateNested()
  input!: RecordInteractionColumnsInput;
}
