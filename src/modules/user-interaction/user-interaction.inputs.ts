import { ValidateNested } from 'class-validator';
import { ArgsType, Field, ID, InputType } from 'type-graphql';
import { InteractionType } from '../../graphql/enums';
import { DateTimeScalar } from '../../graphql/scalars';
import { IsEntityId, ListLength } from '../../graphql/validators';

export const MAX_INTERACTIONS_PER_CALL = 5000;

/** One item of recordInteractions. */
@InputType()
export class RecordInteractionInput {
  @Field(() => ID)
  @IsEntityId()
  userId!: string;

  @Field(() => InteractionType)
  type!: InteractionType;

  @Field(() => ID, { nullable: true })
  @IsEntityId()
  contentId?: string | null;

  @Field(() => DateTimeScalar, { nullable: true, description: 'Default: now.' })
  timestamp?: Date | null;
}

@ArgsType()
export class RecordInteractionsArgs {
  @Field(() => [RecordInteractionInput])
  @ListLength(1, MAX_INTERACTIONS_PER_CALL)
  @ValidateNested({ each: true })
  input!: RecordInteractionInput[];
}
