import { ValidateNested } from 'class-validator';
import { ArgsType, Field, ID, InputType } from 'type-graphql';
import { InteractionType } from '../../graphql/enums';
import { DateTimeScalar } from '../../graphql/scalars';
import { IsEntityId, ListLength } from '../../graphql/validators';

export const MAX_INTERACTIONS_PER_CALL = 5000;

/**
 * One item of recordInteractions. Its fields are `declare`d (no class field definitions): type-graphql
 * deletes an instance's undefined own fields that the input left out, which turns thousands of
 * items into slow dictionary-mode objects; without own fields it has nothing to delete.
 */
@InputType()
export class RecordInteractionInput {
  @Field(() => ID)
  @IsEntityId()
  declare userId: string;

  @Field(() => InteractionType)
  declare type: InteractionType;

  @Field(() => ID, { nullable: true })
  @IsEntityId()
  declare contentId?: string | null;

  @Field(() => DateTimeScalar, { nullable: true, description: 'Default: now.' })
  declare timestamp?: Date | null;
}

@ArgsType()
export class RecordInteractionsArgs {
  @Field(() => [RecordInteractionInput])
  @ListLength(1, MAX_INTERACTIONS_PER_CALL)
  @ValidateNested({ each: true })
  input!: RecordInteractionInput[];
}
