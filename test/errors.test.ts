/**
 * Error masking (docs/api.md): the database is broken under a request (the test renames a table
 * in its own database). Clients get INTERNAL_SERVER_ERROR "Internal server error" with no stack, SQL
 * or table name; the log keeps the whole error; NODE_ENV=development shows the detail.
 */
import { useTestServer } from './support/use-test-server';

const { db, startServer } = useTestServer('errors', null);

async function boot(env: Record<string, string>) {
  const { lines, url } = await startServer({ QUERY_STATS: '0', ...env });
  const post = async (query: string, headers: Record<string, string> = {}) => {
    const res = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: JSON.stringify({ query }),
    });
    return { status: res.status, text: await res.text() };
  };
  return { lines, post };
}

/** Runs `fn` while table insights is renamed away, so every read of it fails inside PostgreSQL. */
async function withInsightsBroken<T>(fn: () => Promise<T>): Promise<T> {
  await db.pool.query('ALTER TABLE insights RENAME TO insights_moved_away');
  try {
    return await fn();
  } finally {
    await db.pool.query('ALTER TABLE insights_moved_away RENAME TO insights');
  }
}

const QUERY = 'query BrokenRead { insights(first: 3) { totalCount nodes { id } } }';

test('outside development: a generic error for the client, the whole error in the log', async () => {
  const { lines, post } = await boot({ NODE_ENV: 'production', API_KEYS: 'reader:k', LOG_LEVEL: 'info' });
  const res = await withInsightsBroken(() => post(QUERY, { authorization: 'Bearer k' }));
  const body = JSON.parse(res.text);
  expect(body.data).toBeNull();
  expect(body.errors).toEqual([
    {
      message: 'Internal server error',
      locations: [{ line: 1, column: 20 }],
      path: ['insights'],
      extensions: { code: 'INTERNAL_SERVER_ERROR' },
    },
  ]);
  for (const leak of ['relation', 'insights_moved_away', 'SELECT', 'FROM', 'stack', '.ts:', 'node_modules'])
    expect(res.text).not.toContain(leak);

  const logged = lines.find((l) => l.level === 'error' && l.msg === 'unexpected error while resolving a request');
  expect(logged?.err).toMatchObject({ message: 'relation "insights" does not exist', code: '42P01' });
  expect(logged?.err.stack).toContain('at ');
  const request = lines.find((l) => l.msg === 'graphql request' && l.operation === 'BrokenRead');
  expect(request).toMatchObject({ outcome: 'server_error', status: 200, errorCodes: ['INTERNAL_SERVER_ERROR'] });
  expect(request!.sqlQueries).toBeGreaterThanOrEqual(1);
  expect(typeof request!.durationMs).toBe('number');
});

test('NODE_ENV=development: the client sees the detail and the stack', async () => {
  const { post } = await boot({ NODE_ENV: 'development', LOG_LEVEL: 'silent' });
  const res = await withInsightsBroken(() => post(QUERY));
  const error = JSON.parse(res.text).errors[0];
  expect(error.message).toBe('relation "insights" does not exist');
  expect(error.extensions.code).toBe('INTERNAL_SERVER_ERROR');
  expect(Array.isArray(error.extensions.stacktrace)).toBe(true);
});

test('a user mistake keeps its message and code, without a stack trace', async () => {
  const { post } = await boot({ LOG_LEVEL: 'silent' });
  const res = JSON.parse((await post('{ insight(id: "abc") { id } }')).text);
  expect(res.errors[0]).toEqual({
    message: 'Invalid input: id: must be the ID of a row (a positive integer), got "abc"',
    locations: [{ line: 1, column: 3 }],
    path: ['insight'],
    extensions: { code: 'BAD_USER_INPUT', argumentName: 'id', fields: ['id'] },
  });
});
