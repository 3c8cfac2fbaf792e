// ESLint (flat config). Formatting belongs to Prettier (.prettierrc.json, printWidth 140):
// eslint-config-prettier comes last and turns off every rule that would fight it.
import js from '@eslint/js';
import prettier from 'eslint-config-prettier';
import { createTypeScriptImportResolver } from 'eslint-import-resolver-typescript';
import { importX } from 'eslint-plugin-import-x';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['dist/', 'node_modules/', '.data/', 'coverage/', 'bench-results/', 'test-artifacts/', 'tmp/'] },
  js.configs.recommended,
  // Syntax-only rules. The type-aware set (recommendedTypeChecked) builds the whole TypeScript
  // program inside ESLint: about 3x the CPU time and 650 MB, and most of its ~950 findings are
  // no-unsafe-* on test code reading untyped JSON responses. `tsc --noEmit` type-checks in CI.
  tseslint.configs.recommended,
  {
    files: ['**/*.ts'],
    plugins: { 'import-x': importX },
    settings: {
      // import-x parses each imported file itself to follow the graph: it needs the TS parser.
      'import-x/parsers': { '@typescript-eslint/parser': ['.ts'] },
      'import-x/extensions': ['.ts', '.js'],
      'import-x/resolver-next': [createTypeScriptImportResolver({ project: './tsconfig.json' })],
    },
    rules: {
      // Dependencies point one way (docs/architecture.md): http -> server -> modules/agents ->
      // loaders -> db. `import type` is ignored: it leaves no edge at run time.
      'import-x/no-cycle': 'error',
      // type-graphql and class-validator type classes as `Function` (buildSchema's resolver list,
      // validateFn's type, metadata targets): code that hands classes to them must say so too.
      '@typescript-eslint/no-unsafe-function-type': 'off',
      // class-validator's index loads ~320 modules per process: its values come from src/graphql/class-validator.ts.
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          paths: [
            {
              name: 'class-validator',
              message: 'import its values from src/graphql/class-validator.ts (one file each), its types with `import type`',
              allowTypeImports: true,
            },
          ],
        },
      ],
      // A leading underscore marks a value dropped on purpose (`const { __k: _k, ...row } = r`).
      '@typescript-eslint/no-unused-vars': [
        'error',
        {
          argsIgnorePattern: '^_',
          varsIgnorePattern: '^_',
          caughtErrorsIgnorePattern: '^_',
          destructuredArrayIgnorePattern: '^_',
          ignoreRestSiblings: true,
        },
      ],
    },
  },
  {
    // Tests and scripts read GraphQL responses as untyped JSON and check their shape by assertion;
    // declaring a type per query would add lines without catching anything. src/ stays strict.
    files: ['test/**/*.ts', 'scripts/**/*.ts', 'bench/**/*.ts'],
    rules: { '@typescript-eslint/no-explicit-any': 'off' },
  },
  {
    // Plain Node scripts (the peer servers of bench/peers, CommonJS): require() is how they load.
    files: ['**/*.js', '**/*.cjs'],
    languageOptions: {
      sourceType: 'commonjs',
      globals: { module: 'writable', require: 'readonly', __dirname: 'readonly', process: 'readonly', console: 'readonly' },
    },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
  {
    // The dashboard's browser script (src/http/dashboard.ts serves it): a classic script with the
    // browser's globals and those of the UMD files loaded before it.
    files: ['src/http/dashboard/**/*.js'],
    languageOptions: {
      sourceType: 'script',
      globals: {
        window: 'readonly',
        document: 'readonly',
        location: 'readonly',
        sessionStorage: 'readonly',
        fetch: 'readonly',
        echarts: 'readonly',
        graphqlWs: 'readonly',
      },
    },
  },
  prettier,
);
