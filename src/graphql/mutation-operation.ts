/**
 * Everything that runs around a mutation, in one place (docs/api.md "Mutation operations"):
 *
 * - the field wrapper, applied once to the built schema, to every Mutation field: after the field,
 *   the request's loaders start empty (what runs next reads what was just written), and the field
 *   is recorded in `ctx.writes` unless it was refused before writing (the cache invalidates what
 *   the recorded fields write, src/cache). A type-graphql global middleware would do the same, but
 *   type-graphql runs global middlewares around every field resolver of every read too: +50% CPU
 *   on a nested read.
 * - the plugin: an operation with two or more Mutation fields runs them all in one transaction on
 *   one connection, committed only when the response has no error; an agent mutation runs alone.
 *   A single field runs as before: its own statement (or an agent's own transaction) is atomic.
 */
import type { ApolloServerPlugin, GraphQLRequestContextExecutionDidStart } from '@apollo/server';
import {
  defaultFieldResolver,
  DocumentNode,
  FragmentDefinitionNode,
  getVariableValues,
  GraphQLError,
  GraphQLFormattedError,
  GraphQLSchema,
  Kind,
  OperationDefinitionNode,
  TypeNode,
} from 'graphql';
import { collectFields } from 'graphql/execution/collectFields';
import type { Context } from '../context';
import type { Transaction } from '../db/db';
import { databaseTrouble } from './format-error';
import { AGENT_MUTATIONS, validationFailed } from './limits';

export function wrapMutationFields(schema: GraphQLSchema): GraphQLSchema {
  for (const field of Object.values(schema.getMutationType()?.getFields() ?? {})) {
    const resolve = field.resolve ?? defaultFieldResolver;
    field.resolve = async (root, args, context: Context, info) => {
      try {
        const result = await resolve(root, args, context, info);
        context.writes.add(info.fieldName);
        return result;
      } catch (err) {
        if (mayHaveWritten(err)) context.writes.add(info.fieldName);
        throw err;
      } finally {
        context.loaders.reset();
      }
    };
  }
  return schema;
}

/** Refusals that come before any write: the role check, argument validation, a reference that no row has. */
const REFUSALS = new Set(['UNAUTHENTICATED', 'FORBIDDEN', 'BAD_USER_INPUT']);

/**
 * Whether a failed Mutation field may have written. A refusal has not, unless it carries the runId
 * of an agent run (its run row was written, and it changes agentPerformance); any other failure
 * might have (an agent run that failed after committing), so it counts as a write.
 */
function mayHaveWritten(err: unknown): boolean {
  if (!(err instanceof GraphQLError)) return true;
  return !REFUSALS.has(String(err.extensions.code)) || err.extensions.runId !== undefined;
}

type FormatError = (formatted: GraphQLFormattedError, error: unknown) => GraphQLFormattedError;

/** `formatError`: the server's own, for an error of COMMIT (it masks and logs like any other). */
export function mutationOperationPlugin(formatError: FormatError): ApolloServerPlugin<Context> {
  return {
    async requestDidStart({ contextValue }) {
      // Each operation of a batch runs on its own shallow copy of the request's context: its own
      // writes, so that one rolling back forgets only its own.
      contextValue.writes = new Set();
      let fields: string[] = [];
      return {
        async didResolveOperation({ schema, document, operation, request }) {
          if (operation?.operation !== 'mutation') return;
          fields = mutationFields(schema, document, operation, request.variables) ?? [];
          const agent = fields.find((f) => AGENT_MUTATIONS.has(f));
          if (agent && fields.length > 1) {
            throw validationFailed(
              `${agent} runs an agent, which records its run and commits on its own: it must be the only field of its ` +
                `mutation operation, and this one has ${fields.length}. Send it in an operation of its own.`,
            );
          }
        },
        async executionDidStart(request) {
          if (fields.length < 2) return;
          const ctx = request.contextValue;
          const outside = ctx.db;
          const tx = outside.begin();
          ctx.useDb(tx.db);
          return {
            async executionDidEnd(err) {
              ctx.useDb(outside);
              await finish(tx, request, Boolean(err), formatError);
            },
          };
        },
      };
    },
  };
}

/**
 * The Mutation fields the operation will run, by response name (two aliases of one field are two),
 * after fragments, @skip and @include; null when the variables do not coerce, which execution
 * refuses before any field runs.
 */
function mutationFields(
  schema: GraphQLSchema,
  document: DocumentNode,
  operation: OperationDefinitionNode,
  variables: Record<string, unknown> | undefined,
): string[] | null {
  const type = schema.getMutationType();
  if (!type) return [];
  // Only @skip and @include decide which fields run, and they take Booleans: coercing the other
  // variables too would coerce recordInteractions' 5,000 items twice.
  const booleans = (operation.variableDefinitions ?? []).filter((d) => isBoolean(d.type));
  const { coerced } = getVariableValues(schema, booleans, variables ?? {}, { maxErrors: 1 });
  if (!coerced) return null;
  const fragments: Record<string, FragmentDefinitionNode> = {};
  for (const d of document.definitions) if (d.kind === Kind.FRAGMENT_DEFINITION) fragments[d.name.value] = d;
  const collected = collectFields(schema, fragments, coerced, type, operation.selectionSet);
  return [...collected.values()].map((nodes) => nodes[0].name.value).filter((name) => name !== '__typename');
}

const isBoolean = (type: TypeNode): boolean =>
  type.kind === Kind.NON_NULL_TYPE ? isBoolean(type.type) : type.kind === Kind.NAMED_TYPE && type.name.value === 'Boolean';

/** What became of the operation's transaction: `extensions.transaction` of its response. */
type Outcome = 'COMMITTED' | 'ROLLED_BACK' | 'UNKNOWN';

/**
 * Commits when the response holds no error (a nested field's included), else rolls back; then the
 * response says what happened: after a rollback `data` is null, since nothing it showed was kept.
 * A COMMIT that fails on a lost connection may or may not have committed: its outcome is UNKNOWN and
 * its fields still count as writes for the cache.
 */
async function finish(
  tx: Transaction,
  request: GraphQLRequestContextExecutionDidStart<Context>,
  threw: boolean,
  formatError: FormatError,
): Promise<void> {
  const body = request.response.body;
  const result = body?.kind === 'single' ? body.singleResult : undefined;
  const writes = request.contextValue.writes;
  let outcome: Outcome = 'COMMITTED';
  if (threw || result?.errors?.length) {
    await tx.rollback();
    outcome = 'ROLLED_BACK';
  } else {
    try {
      await tx.commit();
    } catch (err) {
      outcome = databaseTrouble(err) === 'DATABASE_UNAVAILABLE' ? 'UNKNOWN' : 'ROLLED_BACK';
      // Masked and logged as any other error; the response had none, since it is committed only then.
      const formatted = formatError(
        { message: err instanceof Error ? err.message : String(err), extensions: { code: 'INTERNAL_SERVER_ERROR' } },
        err,
      );
      if (result) result.errors = [formatted];
    }
  }
  if (outcome === 'ROLLED_BACK') writes.clear();
  if (!result) return;
  if (outcome !== 'COMMITTED') result.data = null;
  result.extensions = { ...result.extensions, transaction: outcome };
}
