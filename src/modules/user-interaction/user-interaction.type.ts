import { Field, ID, ObjectType } from 'type-graphql';
import { connectionType } from '../../graphql/connection';
import { InteractionType } from '../../graphql/enums';
import { DateTimeScalar } from '../../graphql/scalars';

@ObjectType('UserInteraction', { simpleResolvers: true })
export class UserInteraction {
  @Field(() => ID)
  id!: string;

  @Field(() => InteractionType)
  type!: InteractionType;

  @Field(() => DateTimeScalar)
  timestamp!: Date;

  /** Not in the schema: keys for the `user` and `content` relations. */
  userId!: number;
  contentId!: number | null;
}

export const UserInteractionConnection = connectionType('UserInteraction', UserInteraction);

export const USER_INTERACTION_COLUMNS = `t.id::text AS id, upper(t.interaction_type) AS type, t.timestamp,
  t.user_id AS "userId", t.content_id AS "contentId"`;
