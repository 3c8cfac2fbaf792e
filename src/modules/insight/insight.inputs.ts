import { Max, Min, ValidateNested } from '../../graphql/class-validator';
import { ArgsType, Field, Float, InputType } from 'type-graphql';
import { ConnectionArgs } from '../../graphql/args';
import { TrimmedText } from '../../graphql/validators';

@ArgsType()
export class InsightsArgs extends ConnectionArgs {
  @Field(() => Float, { nullable: true, description: 'Only insights with score >= minScore (0..1); null for all.' })
  minScore?: number | null;
}

@InputType({ description: 'A new insight.' })
export class CreateInsightInput {
  @Field({ description: 'The topic: 1..500 characters after trimming; stored trimmed.' })
  @TrimmedText(500)
  topic!: string;

  @Field(() => String, { nullable: true, description: 'A longer summary; null for none.' })
  summary?: string | null;

  @Field(() => String, { nullable: true, description: 'Where the insight came from (a URL, a tool or a person); null when unknown.' })
  source?: string | null;

  /** An explicit null means the default, like leaving it out. */
  @Field(() => Float, { nullable: true, defaultValue: 0, description: 'Relevance, a ratio, 0..1; default 0 (also when null).' })
  @Min(0)
  @Max(1)
  score?: number | null;
}

@ArgsType()
export class CreateInsightArgs {
  @Field(() => CreateInsightInput, { description: 'The insight to create.' })
  @ValidateNested()
  input!: CreateInsightInput;
}
