/**
 * Start-up failures as one line each: the cause, then the variable or command that fixes it.
 * `npm start` prints that line and exits 1.
 */

/** A failure whose message already names its cause and its fix. */
export class StartupError extends Error {
  override name = 'StartupError';
}

const CONNECT_CODES = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'ETIMEDOUT', 'EHOSTUNREACH', 'ECONNRESET']);

/** The message of anything thrown: an Error's, the parts of an AggregateError, never "undefined". */
export function describeError(err: unknown): string {
  if (err instanceof AggregateError && !err.message) return [...new Set(err.errors.map(describeError))].join('; ');
  if (err instanceof Error) return err.message || (err as { code?: string }).code || err.name;
  if (err === undefined || err === null) return 'an unknown error (no detail was given)';
  return typeof err === 'string' ? err : JSON.stringify(err);
}

/**
 * A failure to reach or migrate the database, told with its address; `fix` is what to change
 * (DATABASE_URL, or the embedded database's variables).
 */
export function databaseStartupError(err: unknown, url: string, fix: string): StartupError {
  if (err instanceof StartupError) return err;
  const u = new URL(url);
  const where = `PostgreSQL at ${u.hostname}:${u.port || 5432}`;
  const code = (err as { code?: string } | null)?.code;
  if (code && CONNECT_CODES.has(code)) return new StartupError(`cannot reach ${where} (${code}): ${fix}`);
  // SQLSTATE classes 28 (authentication) and 3D (no such database): the address is right, the login is not.
  if (code && /^(28|3D)/.test(code)) return new StartupError(`${where} refused the connection: ${describeError(err)} (${fix})`);
  return new StartupError(
    `the database at ${where} failed at start-up: ${describeError(err)} (${fix}; MIGRATIONS_RUN=false skips migrations)`,
  );
}

/** One line for anything that stopped the start. */
export function startupMessage(err: unknown): string {
  return `cannot start: ${describeError(err).split('\n')[0]}`;
}
