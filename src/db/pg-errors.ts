/**
 * PostgreSQL error codes: those the write paths turn into BAD_USER_INPUT, and the database troubles a
 * client can act on (error formatting, src/graphql/format-error.ts; a read replica's fallback, replicas.ts).
 */

/** The constraint name of a foreign-key violation (23503), else null. */
export function violatedForeignKey(err: unknown): string | null {
  const e = err as { code?: string; constraint?: string } | null;
  return e?.code === '23503' ? (e.constraint ?? '') : null;
}

/** The database failures a client can act on (retry later), told apart from the unexpected ones. */
export type DatabaseTrouble = 'DATABASE_UNAVAILABLE' | 'DATABASE_BUSY' | 'STATEMENT_TIMEOUT';

const SOCKET_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENOTFOUND', 'EAI_AGAIN']);

export function databaseTrouble(err: unknown): DatabaseTrouble | null {
  const e = err as { code?: unknown; message?: unknown; errors?: unknown[]; originalError?: unknown } | null;
  if (!e || typeof e !== 'object') return null;
  const code = typeof e.code === 'string' ? e.code : '';
  const message = typeof e.message === 'string' ? e.message : '';
  if (message === 'timeout exceeded when trying to connect') return 'DATABASE_BUSY'; // pg-pool: no free connection in time
  if (code === '57014' && /statement timeout/.test(message)) return 'STATEMENT_TIMEOUT';
  if (
    code.startsWith('08') || // connection exception
    ['57P01', '57P02', '57P03', '53300'].includes(code) || // terminated, crashed, starting/stopping, too many connections
    SOCKET_CODES.has(code) ||
    /not currently accepting connections|Connection terminated|connection error and is not queryable|Connection terminated due to connection timeout/.test(
      message,
    )
  ) {
    return 'DATABASE_UNAVAILABLE';
  }
  if (Array.isArray(e.errors) && e.errors.some((x) => databaseTrouble(x) === 'DATABASE_UNAVAILABLE')) return 'DATABASE_UNAVAILABLE';
  // A GraphQLError that wraps a lost connection (an agent run's failure, which adds its runId). Only
  // that: an agent's statement timeout is AGENT_STATEMENT_TIMEOUT_MS, which the read message would misname.
  if (e.originalError && databaseTrouble(e.originalError) === 'DATABASE_UNAVAILABLE') return 'DATABASE_UNAVAILABLE';
  return null;
}
