import { Max, Min } from 'class-validator';
import { Field, Float, InputType } from 'type-graphql';
import { StorableText, TrimmedText } from '../../graphql/validators';

@InputType()
export class CreateInsightInput {
  @Field({ description: '1 to 500 characters after trimming; stored trimmed.' })
  @TrimmedText(500)
  topic!: string;

  @Field(() => String, { nullable: true })
  @StorableText()
  summary?: string | null;

  @Field(() => String, { nullable: true })
  @StorableText()
  source?: string | null;

  /** An explicit null means the default, like leaving it out. */
  @Field(() => Float, { nullable: true, defaultValue: 0, description: 'Relevance, 0..1.' })
  @Min(0)
  @Max(1)
  score?: number | null;
}
