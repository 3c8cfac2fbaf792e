import 'reflect-metadata';
import type { GraphQLSchema } from 'graphql';
import { buildSchema, NonEmptyArray } from 'type-graphql';
import { authChecker } from './graphql/auth';
import { resetLoadersAfterMutations } from './graphql/reset-loaders';
import { DateTimeScalar } from './graphql/scalars';
import { validateArgs } from './graphql/validation';
import { RESOLVERS } from './resolvers';

export const SCHEMA_FILE = 'schema.graphql';

export async function buildAppSchema(opts: { emitTo?: string } = {}): Promise<GraphQLSchema> {
  const schema = await buildSchema({
    resolvers: RESOLVERS as unknown as NonEmptyArray<Function>,
    scalarsMap: [{ type: Date, scalar: DateTimeScalar }],
    authChecker,
    validateFn: validateArgs,
    emitSchemaFile: opts.emitTo ? { path: opts.emitTo, sortedSchema: false } : false,
  });
  return resetLoadersAfterMutations(schema);
}
