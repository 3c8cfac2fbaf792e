/**
 * Access (docs/api.md): the whole matrix of no key, an unknown key and each role against a
 * query, an ingest mutation and an agent mutation; a refused request writes nothing.
 */
import { getMetadataStorage } from 'type-graphql';
import { loadConfig } from '../src/config';
import { resolveRole } from '../src/http/auth';
import { start } from '../src/main';
import { buildAppSchema } from '../src/schema';
import { factories, rowCounts } from './support/factories';
import { GqlResult } from './support/server';
import { runServerOnce } from './support/child-server';
import { useTestServer } from './support/use-test-server';

const KEYS = { reader: 'reader-key-0123456789', writer: 'writer-key-0123456789', admin: 'admin-key-0123456789abcdef' };
type Caller = 'none' | 'unknown' | keyof typeof KEYS;
const CALLERS: Caller[] = ['none', 'unknown', 'reader', 'writer', 'admin'];
const headersOf = (c: Caller): Record<string, string> =>
  c === 'none' ? {} : { authorization: `Bearer ${c === 'unknown' ? 'not-a-configured-key' : KEYS[c]}` };

const { db, server } = useTestServer('access', { API_KEYS: `reader:${KEYS.reader}, writer:${KEYS.writer},admin:${KEYS.admin}` });

beforeAll(async () => {
  const f = factories(db.pool);
  const user = await f.user();
  await f.interaction({ userId: user.id });
});

const codes = (res: GqlResult) => (res.errors ?? []).map((e) => e.extensions?.code);

describe('a query needs the reader role', () => {
  const QUERY = '{ insights(first: 1) { totalCount } }';
  test.each(CALLERS)('%s', async (caller) => {
    const res = await server.gql(QUERY, {}, headersOf(caller));
    if (caller === 'none' || caller === 'unknown') {
      expect(codes(res)).toEqual(['UNAUTHENTICATED']);
      expect(res.data).toBeNull();
      expect(res.errors![0].message).toMatch(caller === 'none' ? /Authorization: Bearer/ : /Unknown API key/);
    } else {
      expect(res.errors).toBeUndefined();
      expect(res.data).toEqual({ insights: { totalCount: 0 } });
    }
  });

  test.each([
    ['lower-case scheme', `bearer ${KEYS.reader}`, true],
    ['extra spaces', `Bearer    ${KEYS.reader}  `, true],
    ['another scheme', `Basic ${KEYS.reader}`, false],
    ['no scheme', KEYS.reader, false],
    ['a prefix of a key', `Bearer ${KEYS.reader.slice(0, -1)}`, false],
    ['a key plus one character', `Bearer ${KEYS.reader}x`, false],
    ['empty', 'Bearer ', false],
  ])('Authorization header: %s', async (_name, header, accepted) => {
    const res = await server.gql('{ insights(first: 1) { totalCount } }', {}, { authorization: header });
    expect(codes(res)).toEqual(accepted ? [] : ['UNAUTHENTICATED']);
  });
});

describe('mutations: ingest needs writer, agents need admin', () => {
  const MUTATIONS = {
    ingest: { query: 'mutation { createInsight(input: { topic: "access matrix" }) { id topic } }', role: 'writer', table: 'insights' },
    agent: { query: 'mutation { recomputeEngagementScores { run { id status } } }', role: 'admin', table: 'agent_logs' },
  } as const;
  const RANK = { none: 0, unknown: 0, reader: 1, writer: 2, admin: 3 } as const;

  for (const [kind, m] of Object.entries(MUTATIONS)) {
    test.each(CALLERS)(`${kind} mutation, caller %s`, async (caller) => {
      const before = await rowCounts(db.pool);
      const res = await server.gql(m.query, {}, headersOf(caller));
      const after = await rowCounts(db.pool);
      if (caller === 'none' || caller === 'unknown') {
        expect(codes(res)).toEqual(['UNAUTHENTICATED']);
        expect(after).toEqual(before);
      } else if (RANK[caller] < RANK[m.role]) {
        expect(codes(res)).toEqual(['FORBIDDEN']);
        expect(res.errors![0].message).toContain(`needs the ${m.role} role`);
        expect(after).toEqual(before);
      } else {
        expect(res.errors).toBeUndefined();
        expect(after[m.table]).toBe(before[m.table] + 1);
      }
    });
  }
});

test('every root field declares the role the contract gives it', async () => {
  await buildAppSchema(); // fills type-graphql's metadata, roles included
  const storage = getMetadataStorage();
  const AGENTS = new Set([
    'recomputeEngagementScores',
    'createPerformanceSnapshot',
    'tuneStrategy',
    'analyzeAgentPerformance',
    'enqueueAgentRun',
  ]);
  const ADMIN_QUERIES = new Set(['agentQueue']); // the job queue of the automatic agents (docs/agents.md)
  const wrong: string[] = [];
  for (const q of storage.queries) {
    const want = ADMIN_QUERIES.has(q.schemaName) ? 'admin' : 'reader';
    if (JSON.stringify(q.roles) !== JSON.stringify([want])) wrong.push(`Query.${q.schemaName}: ${JSON.stringify(q.roles)}, want ${want}`);
  }
  for (const m of storage.mutations) {
    const want = AGENTS.has(m.schemaName) ? 'admin' : 'writer';
    if (JSON.stringify(m.roles) !== JSON.stringify([want]))
      wrong.push(`Mutation.${m.schemaName}: ${JSON.stringify(m.roles)}, want ${want}`);
  }
  expect(storage.queries.length).toBeGreaterThan(0);
  expect(wrong).toEqual([]);
});

test('keys of any length compare without throwing (digests of equal length)', () => {
  const config = {
    apiKeys: new Map([
      ['k', 'reader' as const],
      ['a-much-longer-key-'.repeat(20), 'admin' as const],
    ]),
  };
  expect(resolveRole(config, 'Bearer k').role).toBe('reader');
  expect(resolveRole(config, `Bearer ${'a-much-longer-key-'.repeat(20)}`).role).toBe('admin');
  expect(resolveRole(config, `Bearer ${'x'.repeat(10_000)}`).role).toBeNull();
  expect(resolveRole({ apiKeys: new Map() }, undefined).role).toBe('admin'); // open server: everyone is admin
});

describe('NODE_ENV=production without API_KEYS', () => {
  test('start() refuses with a clear message', async () => {
    const config = loadConfig({ NODE_ENV: 'production', DATABASE_URL: db.url, PORT: '0', LOG_LEVEL: 'silent' });
    await expect(start(config)).rejects.toThrow('NODE_ENV=production needs API_KEYS');
  });

  test('the server process exits 1 and says why', () => {
    const run = runServerOnce({ NODE_ENV: 'production', DATABASE_URL: db.url, API_KEYS: null });
    expect(run.status).toBe(1);
    expect(run.stderr).toContain('cannot start: NODE_ENV=production needs API_KEYS');
  });
});
