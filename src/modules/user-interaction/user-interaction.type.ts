import { Field, ID, ObjectType } from 'type-graphql';
import { connectionType } from '../../graphql/connection';
import { InteractionType } from '../../graphql/enums';
import { DateTimeScalar } from '../../graphql/scalars';
import { Node } from '../../graphql/node';

@ObjectType('UserInteraction', {
  implements: Node,
  simpleResolvers: true,
  description: 'One action of a community user, on a piece of content or on none.',
})
export class UserInteraction {
  @Field(() => ID, { description: 'The interaction id.' })
  id!: string;

  @Field(() => InteractionType, { description: 'What the user did.' })
  type!: InteractionType;

  @Field(() => DateTimeScalar, { description: 'When the user did it.' })
  timestamp!: Date;

  /** Not in the schema: keys for the `user` and `content` relations. */
  userId!: number;
  contentId!: number | null;
}

export const UserInteractionConnection = connectionType('UserInteraction', UserInteraction);

export const USER_INTERACTION_COLUMNS = `t.id::text AS id, upper(t.interaction_type) AS type, t.timestamp,
  t.user_id AS "userId", t.content_id AS "contentId"`;
