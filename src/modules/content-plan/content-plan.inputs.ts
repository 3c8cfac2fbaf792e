import { Field, ID, InputType } from 'type-graphql';
import { ContentFormat, PlanStatus, Platform } from '../../graphql/enums';

@InputType()
export class ContentPlanFilter {
  @Field(() => ContentFormat, { nullable: true })
  format?: ContentFormat | null;

  @Field(() => Platform, { nullable: true })
  platform?: Platform | null;

  @Field(() => PlanStatus, { nullable: true })
  status?: PlanStatus | null;

  @Field(() => ID, { nullable: true })
  insightId?: string | null;
}
