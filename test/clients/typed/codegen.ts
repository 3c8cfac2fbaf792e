/**
 * graphql-codegen's client preset for the documents of operations.graphql against the committed
 * schema.graphql: TypedDocumentNodes whose result and variable types follow each selection. Run from
 * the repository root; test/clients/codegen.test.ts runs it with CODEGEN_OUT set to a temporary folder.
 *
 *   npx graphql-codegen --config test/clients/typed/codegen.ts   # writes tmp/codegen/gql/
 */
import type { CodegenConfig } from '@graphql-codegen/cli';

const config: CodegenConfig = {
  schema: 'schema.graphql',
  documents: 'test/clients/typed/operations.graphql',
  generates: {
    [process.env.CODEGEN_OUT ?? 'tmp/codegen/gql/']: {
      preset: 'client',
      config: {
        // The custom scalars as they travel in JSON (docs/api.md): DateTime is ISO 8601 text, SafeInt a number.
        scalars: { DateTime: 'string', SafeInt: 'number' },
        // Enums as unions of their values' names ('YOUTUBE'), as the server sends them.
        enumsAsTypes: true,
        useTypeImports: true,
      },
    },
  },
  silent: true,
};

export default config;
