import { Field, Int, ObjectType } from 'type-graphql';

@ObjectType('RecordInteractionsResult', { description: 'The result of recordInteractions.' })
export class RecordInteractionsResult {
  @Field(() => Int, { description: 'Count of interactions written: all of the input, as the call writes all or nothing.' })
  inserted!: number;
}
