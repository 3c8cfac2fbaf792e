import { ArgsType, Field, ID } from 'type-graphql';
import { MAX_FIRST } from '../../graphql/connection';
import { IsNodeId, ListLength } from '../../graphql/validators';

@ArgsType()
export class NodeArgs {
  @Field(() => ID, { description: 'A nodeId this API returned; a malformed one is refused, one whose row is gone answers null.' })
  @IsNodeId()
  id!: string;
}

@ArgsType()
export class NodesArgs {
  @Field(() => [ID], {
    description: `0..${MAX_FIRST} nodeIds this API returned, of any types; a malformed one is refused, one whose row is gone answers null in its place.`,
  })
  @ListLength(0, MAX_FIRST)
  @IsNodeId({ each: true })
  ids!: string[];
}
