/**
 * The test environment of a file (or of a describe): useTestServer(name, env) registers the hooks
 * that create its database (cloned from the migrated template) and start the real server on it over
 * real HTTP, and tear them down in a fixed order: what cleanup() was given (last first), every
 * server, then the test's pool, each connection closed. The database is dropped at the end of the
 * run (global-teardown.ts), with nothing of the file connected to it any more.
 *
 *   const { db, server } = useTestServer('reads');              // db.pool, server.gql(...)
 *   const { db, serve } = useTestServer('matrix', null);        // no server of its own
 *   const tight = serve({ MAX_QUERY_DEPTH: '4' });              // another one, for the enclosing describe
 *   const keyed = await startServer({ API_KEYS: 'reader:k' });  // another one, inside a test
 */
import { ServerEnv, startTestServer, TestServer } from './server';
import { TestDb, testDb } from './test-db';

export interface TestEnv {
  db: TestDb;
  /** The server started with `env` (none when env is null). */
  server: TestServer;
  /** Another server on this database, started in the enclosing describe's beforeAll. */
  serve(env?: ServerEnv): TestServer;
  /** Another server on this database, started now (inside a test or a hook). */
  startServer(env?: ServerEnv): Promise<TestServer>;
  /** Runs `fn` first in the teardown, while the database still exists (child servers, other connections). */
  cleanup(fn: () => unknown): void;
}

export function useTestServer(name: string, env: ServerEnv | null = {}): TestEnv {
  const db = testDb(name);
  const closers: (() => unknown)[] = [];
  const cleanup = (fn: () => unknown) => void closers.push(fn);
  const startServer = async (serverEnv: ServerEnv = {}) => {
    const server = await startTestServer(db.url, serverEnv);
    cleanup(() => server.stop());
    return server;
  };
  const serve = (serverEnv: ServerEnv = {}) => {
    const late = lateServer(name);
    beforeAll(async () => late.set(await startServer(serverEnv)));
    afterAll(() => late.stop()); // at the end of its describe; the teardown below stops it otherwise
    return late.server;
  };

  beforeAll(() => db.create());
  afterAll(async () => {
    const failures: unknown[] = [];
    for (const close of closers.splice(0).reverse()) {
      await Promise.resolve()
        .then(close)
        .catch((err) => failures.push(err));
    }
    await db.close();
    if (failures.length) throw failures[0];
  });
  return { db, server: env ? serve(env) : lateServer(name).server, serve, startServer, cleanup };
}

/** A TestServer usable at the top of a file, before the server behind it has started. */
function lateServer(name: string) {
  let live: TestServer | null = null;
  const get = (): TestServer => {
    if (!live) throw new Error(`useTestServer('${name}'): no server here (they start in beforeAll; env null starts none)`);
    return live;
  };
  const server: TestServer = {
    get url() {
      return get().url;
    },
    get port() {
      return get().port;
    },
    get pool() {
      return get().pool;
    },
    get lines() {
      return get().lines;
    },
    gql: (query, variables, headers) => get().gql(query, variables, headers),
    stop: async () => live?.stop(),
  };
  return { server, set: (s: TestServer) => void (live = s), stop: async () => live?.stop() };
}
