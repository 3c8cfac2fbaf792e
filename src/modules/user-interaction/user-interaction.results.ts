import { Field, Int, ObjectType } from 'type-graphql';

@ObjectType('RecordInteractionsResult')
export class RecordInteractionsResult {
  @Field(() => Int)
  inserted!: number;
}
