import { Max, Min, ValidateNested } from 'class-validator';
import { ArgsType, Field, Float, InputType } from 'type-graphql';
import { ConnectionArgs } from '../../graphql/args';
import { TrimmedText } from '../../graphql/validators';

@ArgsType()
export class InsightsArgs extends ConnectionArgs {
  @Field(() => Float, { nullable: true })
  minScore?: number | null;
}

@InputType()
export class CreateInsightInput {
  @Field({ description: '1 to 500 characters after trimming; stored trimmed.' })
  @TrimmedText(500)
  topic!: string;

  @Field(() => String, { nullable: true })
  summary?: string | null;

  @Field(() => String, { nullable: true })
  source?: string | null;

  /** An explicit null means the default, like leaving it out. */
  @Field(() => Float, { nullable: true, defaultValue: 0, description: 'Relevance, 0..1.' })
  @Min(0)
  @Max(1)
  score?: number | null;
}

@ArgsType()
export class CreateInsightArgs {
  @Field(() => CreateInsightInput)
  @ValidateNested()
  input!: CreateInsightInput;
}
