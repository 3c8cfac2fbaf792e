import { Field, ID, InputType } from 'type-graphql';
import { InteractionType } from '../../graphql/enums';
import { DateTimeScalar } from '../../graphql/scalars';

/**
 * One item of recordInteractions. No class-validator rules on purpose: the ids are checked in one
 * pass over the whole list (recordInteractions), so a 5000-item call does no per-item reflection.
 */
@InputType()
export class RecordInteractionInput {
  @Field(() => ID)
  userId!: string;

  @Field(() => InteractionType)
  type!: InteractionType;

  @Field(() => ID, { nullable: true })
  contentId?: string | null;

  @Field(() => DateTimeScalar, { nullable: true, description: 'Default: now.' })
  timestamp?: Date | null;
}
