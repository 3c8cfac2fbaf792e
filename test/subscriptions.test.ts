/**
 * Subscriptions over WebSocket (docs/api.md "Subscriptions"): the real graphql-ws client (with `ws`)
 * against real servers over real HTTP, two of them on one database, the notifications going through
 * PostgreSQL LISTEN/NOTIFY.
 */
import { Client, createClient } from 'graphql-ws';
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import WebSocket from 'ws';
import { factories } from './support/factories';
import { ok, TestServer } from './support/server';
import { useTestServer } from './support/use-test-server';
import { NO_SCHEDULES } from './agents/helpers';
import { until } from './support/wait';

const { db, server: a, serve, startServer, cleanup } = useTestServer('subscriptions');
const b = serve();

interface Stream<T = any> {
  events: { data?: T; errors?: any[] }[];
  errors: unknown[];
  completed: boolean;
  stop(): void;
}

const clients: Client[] = [];
afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.dispose()));
});

function connect(
  server: TestServer,
  connectionParams?: Record<string, unknown>,
  closed?: (e: { code: number; reason: string }) => void,
): Client {
  const client = createClient({
    url: server.url.replace(/^http/, 'ws'),
    webSocketImpl: WebSocket,
    connectionParams,
    retryAttempts: 0,
    lazy: false,
    on: { closed: (e) => closed?.(e as { code: number; reason: string }) },
    onNonLazyError: () => undefined,
  });
  clients.push(client);
  return client;
}

function subscribe<T = any>(client: Client, query: string, variables?: Record<string, unknown>): Stream<T> {
  const stream: Stream<T> = { events: [], errors: [], completed: false, stop: () => undefined };
  stream.stop = client.subscribe<T>(
    { query, variables },
    {
      next: (value) => void stream.events.push(value as Stream<T>['events'][number]),
      error: (err) => void stream.errors.push(err),
      complete: () => void (stream.completed = true),
    },
  );
  return stream;
}

/** A gauge of the server's /metrics (an open server: every caller may read them). */
async function gauge(server: TestServer, name: string, headers: Record<string, string> = {}): Promise<number> {
  const text = await (await fetch(server.url.replace(/\/graphql$/, '/metrics'), { headers })).text();
  const line = text.split('\n').find((l) => l.startsWith(`${name} `));
  return line ? Number(line.split(' ')[1]) : NaN;
}

/** Waits until the server holds `n` subscriptions: from then on, every commit reaches them. */
const subscribed = (server: TestServer, n: number, headers?: Record<string, string>) =>
  until(`${n} subscription(s)`, async () => (await gauge(server, 'graphql_ws_subscriptions', headers)) === n);

const RUN_FIELDS = 'id agentName status startedAt finishedAt executionTime error';

test('a client on instance A sees every status change of a run that instance B executes', async () => {
  const all = subscribe(connect(a), `subscription { agentRunUpdated { ${RUN_FIELDS} details } }`);
  const conversion = subscribe(connect(a), `subscription { agentRunUpdated(agentName: "ConversionAgent") { id status } }`);
  const tuning = subscribe(connect(a), `subscription ($name: String) { agentRunUpdated(agentName: $name) { id status } }`, {
    name: ' StrategyTuningAgent ',
  });
  await subscribed(a, 3);

  const res = ok(await b.gql('mutation { recomputeEngagementScores { run { id status startedAt finishedAt executionTime } } }'));
  const run = res.recomputeEngagementScores.run;
  await until('RUNNING and SUCCESS on A', () => all.events.length >= 2);
  expect(all.errors).toEqual([]);
  expect(all.events.map((e) => e.data!.agentRunUpdated)).toEqual([
    {
      id: run.id,
      agentName: 'ConversionAgent',
      status: 'RUNNING',
      startedAt: run.startedAt,
      finishedAt: null,
      executionTime: null,
      error: null,
      details: { input: expect.any(Object) },
    },
    {
      id: run.id,
      agentName: 'ConversionAgent',
      status: 'SUCCESS',
      startedAt: run.startedAt,
      finishedAt: run.finishedAt,
      executionTime: run.executionTime,
      error: null,
      details: { input: expect.any(Object), result: expect.objectContaining({ usersScored: 0 }) },
    },
  ]);
  await until('the filtered stream', () => conversion.events.length >= 2);
  expect(conversion.events.map((e) => e.data!.agentRunUpdated)).toEqual([
    { id: run.id, status: 'RUNNING' },
    { id: run.id, status: 'SUCCESS' },
  ]);

  // A run of another agent reaches its own filter only (the trimmed name matches, as agentRuns' does).
  ok(await b.gql('mutation { analyzeAgentPerformance { run { id } } }'));
  const tuned = await b.gql('mutation { tuneStrategy { version } }'); // no snapshot yet: a FAILURE run
  expect(tuned.errors?.[0].extensions?.code).toBe('FAILED_PRECONDITION');
  await until('the tuning run on its filter', () => tuning.events.length >= 2);
  expect(tuning.events.map((e) => e.data!.agentRunUpdated.status)).toEqual(['RUNNING', 'FAILURE']);
  await until('every run on the unfiltered stream', () => all.events.length >= 6);
  expect(all.events.slice(2).map((e) => [e.data!.agentRunUpdated.agentName, e.data!.agentRunUpdated.status])).toEqual([
    ['AnalyticsAgent', 'RUNNING'],
    ['AnalyticsAgent', 'SUCCESS'],
    ['StrategyTuningAgent', 'RUNNING'],
    ['StrategyTuningAgent', 'FAILURE'],
  ]);
  expect(conversion.events).toHaveLength(2);

  // recordAgentRun (a writer's external run) is a status change too.
  ok(
    await b.gql('mutation { recordAgentRun(input: { agentName: "Nightly", status: SUCCESS, startedAt: "2026-01-01T00:00:00Z" }) { id } }'),
  );
  await until('the recorded run', () => all.events.length >= 7);
  expect(all.events[6].data!.agentRunUpdated).toMatchObject({
    agentName: 'Nightly',
    status: 'SUCCESS',
    startedAt: '2026-01-01T00:00:00.000Z',
  });
});

test('a queued run (enqueueAgentRun) is seen QUEUED, then RUNNING and SUCCESS, run by a worker on another instance', async () => {
  const stream = subscribe(connect(a), `subscription { agentRunUpdated(agentName: "AnalyticsAgent") { id status } }`);
  await subscribed(a, 1);
  const queued = ok(await a.gql('mutation { enqueueAgentRun(agent: ANALYTICS) { id status } }')).enqueueAgentRun;
  expect(queued.status).toBe('QUEUED');
  await until('the QUEUED event', () => stream.events.length >= 1);
  // the only worker: it takes the job and runs it on the queued row; no schedules, so no other
  // AnalyticsAgent run reaches this file's later streams
  await startServer({ WORKER: 'on', ...NO_SCHEDULES });
  await until('RUNNING and SUCCESS', () => stream.events.length >= 3);
  expect(stream.errors).toEqual([]);
  expect(stream.events.map((e) => e.data!.agentRunUpdated)).toEqual([
    { id: queued.id, status: 'QUEUED' },
    { id: queued.id, status: 'RUNNING' },
    { id: queued.id, status: 'SUCCESS' },
  ]);
  stream.stop();
  await subscribed(a, 0); // gone before the next test counts its own
});

test('a run row too long for a notification is read back by id', async () => {
  const stream = subscribe(connect(a), `subscription { agentRunUpdated(agentName: "Verbose") { id status error } }`);
  await subscribed(a, 1);
  const error = 'x'.repeat(20_000);
  const recorded = ok(
    await b.gql(
      'mutation ($error: String) { recordAgentRun(input: { agentName: "Verbose", status: FAILURE, startedAt: "2026-01-01T00:00:00Z", error: $error }) { id } }',
      {
        error,
      },
    ),
  );
  await until('the long run', () => stream.events.length >= 1);
  expect(stream.events[0].data!.agentRunUpdated).toEqual({ id: recorded.recordAgentRun.id, status: 'FAILURE', error });
});

describe('tierDistributionChanged', () => {
  test('after a recompute that moves users, and after a new user; nothing after a rolled-back recompute', async () => {
    const f = factories(db.pool);
    const user = await f.user({ handle: 'tiers-1' });
    await f.interaction({ userId: user.id, type: 'purchase' }); // 20 points: ENGAGED
    const broken = await startServer({ AGENT_TEST_FAIL_AFTER_FIRST_STATEMENT: 'ConversionAgent' });
    const stream = subscribe(connect(a), 'subscription { tierDistributionChanged { tier users } }');
    const runs = subscribe(connect(a), 'subscription { agentRunUpdated(agentName: "ConversionAgent") { status } }');
    await subscribed(a, 2);
    const tierOf = async () => (await db.pool.query('SELECT tier FROM community_users WHERE id = $1', [user.id])).rows[0].tier;

    // The failing run's first statement moved the user and queued the notification; the rollback dropped both.
    const failed = await broken.gql('mutation { recomputeEngagementScores { usersScored } }');
    expect(failed.errors?.[0].extensions?.code).toBe('INTERNAL_SERVER_ERROR');
    await until('the failed run', () => runs.events.length >= 2);
    expect(runs.events[1].data!.agentRunUpdated.status).toBe('FAILURE');
    expect(await tierOf()).toBe('newcomer');

    const done = ok(await b.gql('mutation { recomputeEngagementScores { promoted tiers { tier users } } }')).recomputeEngagementScores;
    expect(done.promoted).toBe(1);
    await until('the new distribution', () => stream.events.length >= 1);
    expect(await tierOf()).toBe('engaged');
    expect(stream.events.map((e) => e.data!.tierDistributionChanged)).toEqual([done.tiers]);

    // Rerunning moves nobody: no event.
    ok(await b.gql('mutation { recomputeEngagementScores { promoted } }'));
    await until('the rerun to finish on A', () => runs.events.length >= 6);

    // A new user is a NEWCOMER; an upsert of an existing one changes no tier.
    ok(await b.gql('mutation { upsertCommunityUser(input: { handle: "tiers-1", platform: YOUTUBE, displayName: "same" }) { id } }'));
    ok(await b.gql('mutation { upsertCommunityUser(input: { handle: "tiers-2", platform: INSTAGRAM }) { id } }'));
    await until('the second distribution', () => stream.events.length >= 2);
    const newcomers = (e: (typeof stream.events)[number]) => e.data!.tierDistributionChanged.find((t: any) => t.tier === 'NEWCOMER').users;
    expect(newcomers(stream.events[1])).toBe(newcomers(stream.events[0]) + 1);
    expect(stream.events).toHaveLength(2);
  });
});

test('performanceSnapshotCreated: each new snapshot, its nested fields resolved', async () => {
  const f = factories(db.pool);
  const insight = await f.insight({ topic: 'live' });
  const plan = await f.plan({ insightId: insight.id });
  const content = await f.content({ contentPlanId: plan.id, views: 100, engagementRate: 0.5, publishedAt: new Date() });
  const stream = subscribe(
    connect(a),
    'subscription { performanceSnapshotCreated { id contentCount topContent(first: 3) { id views } run { agentName status } } }',
  );
  await subscribed(a, 1);
  const made = ok(
    await b.gql('mutation { createPerformanceSnapshot(input: { windowDays: 30 }) { id contentCount } }'),
  ).createPerformanceSnapshot;
  await until('the snapshot', () => stream.events.length >= 1);
  expect(stream.events[0].data!.performanceSnapshotCreated).toEqual({
    id: made.id,
    contentCount: made.contentCount,
    topContent: [{ id: String(content.id), views: 100 }],
    run: { agentName: 'PerformanceAnalyticsAgent', status: 'SUCCESS' },
  });
});

describe('auth', () => {
  const keyed = serve({ API_KEYS: 'reader:r-key,admin:a-key', METRICS_KEY: 'm-key' });
  const metrics = { authorization: 'Bearer m-key' };

  test('no key closes with 4401, an unknown key with 4403', async () => {
    for (const [params, code] of [
      [undefined, 4401],
      [{ authorization: 'Bearer nope' }, 4403],
    ] as const) {
      let closed: { code: number; reason: string } | undefined;
      const stream = subscribe(
        connect(keyed, params, (e) => (closed = e)),
        'subscription { agentRunUpdated { id } }',
      );
      await until(`close ${code}`, () => closed !== undefined);
      expect(closed!.code).toBe(code);
      expect(stream.events).toEqual([]);
    }
  });

  test('a key in connectionParams: the same roles as HTTP', async () => {
    const stream = subscribe(connect(keyed, { Authorization: 'Bearer r-key' }), 'subscription { agentRunUpdated { id agentName status } }');
    await subscribed(keyed, 1, metrics);
    const res = await keyed.gql('mutation { analyzeAgentPerformance { run { id } } }', undefined, { authorization: 'Bearer a-key' });
    const runId = ok(res).analyzeAgentPerformance.run.id;
    // This stream takes every agent's runs (a worker of an earlier test may still run one): read this run's own.
    const own = () => stream.events.map((e) => e.data!.agentRunUpdated).filter((r: any) => r.id === runId);
    await until('the run', () => own().length >= 2);
    expect(own()).toEqual([
      { id: runId, agentName: 'AnalyticsAgent', status: 'RUNNING' },
      { id: runId, agentName: 'AnalyticsAgent', status: 'SUCCESS' },
    ]);
  });
});

describe('limits', () => {
  const tight = serve({ MAX_SUBSCRIPTIONS_PER_CONNECTION: '2', MAX_QUERY_DEPTH: '3', MAX_QUERY_COST: '50', LOG_LEVEL: 'info' });

  test('subscriptions per connection', async () => {
    const client = connect(tight);
    const first = subscribe(client, 'subscription { agentRunUpdated { id } }');
    const second = subscribe(client, 'subscription { tierDistributionChanged { users } }');
    await subscribed(tight, 2);
    const third = subscribe(client, 'subscription { performanceSnapshotCreated { id } }');
    await until('the refusal', () => third.errors.length > 0);
    expect((third.errors[0] as any[])[0]).toMatchObject({
      message: expect.stringContaining('MAX_SUBSCRIPTIONS_PER_CONNECTION'),
      extensions: { code: 'TOO_MANY_SUBSCRIPTIONS' },
    });
    // Completing one frees its place.
    first.stop();
    await subscribed(tight, 1);
    const again = subscribe(client, 'subscription { performanceSnapshotCreated { id } }');
    await subscribed(tight, 2);
    expect(again.errors).toEqual([]);
    expect(second.errors).toEqual([]);
    // One log line per subscription: the refusal at once, the others when they end.
    expect(tight.lines).toContainEqual(
      expect.objectContaining({ msg: 'graphql subscription refused', outcome: 'client_error', errorCodes: ['TOO_MANY_SUBSCRIPTIONS'] }),
    );
    await until('the log line of the completed one', () => tight.lines.some((l) => l.msg === 'graphql subscription'));
    expect(tight.lines.find((l) => l.msg === 'graphql subscription')).toMatchObject({
      operation: '(anonymous)',
      outcome: 'success',
      events: 0,
    });
  });

  test.each([
    [
      'depth',
      'subscription { performanceSnapshotCreated { run { details } topContent { contentPlan { insight { topic } } } } }',
      'MAX_QUERY_DEPTH',
    ],
    ['cost', 'subscription { performanceSnapshotCreated { topContent(first: 100) { id views } } }', 'MAX_QUERY_COST'],
    ['a query over WebSocket', '{ tierDistribution { users } }', 'HTTP request'],
  ])('%s: refused with GRAPHQL_VALIDATION_FAILED', async (_name, query, text) => {
    const stream = subscribe(connect(tight), query);
    await until('the refusal', () => stream.errors.length > 0);
    expect((stream.errors[0] as any[])[0]).toMatchObject({
      message: expect.stringContaining(text),
      extensions: { code: 'GRAPHQL_VALIDATION_FAILED' },
    });
  });

  test('a syntax error is GRAPHQL_PARSE_FAILED; a bad argument or variable BAD_USER_INPUT', async () => {
    const broken = subscribe(connect(tight), 'subscription { agentRunUpdated { id }');
    const bad = subscribe(connect(tight), 'subscription { agentRunUpdated(agentName: "  ") { id } }');
    const wrongType = subscribe(connect(tight), 'subscription ($name: String) { agentRunUpdated(agentName: $name) { id } }', { name: 5 });
    await until('the refusals', () => broken.errors.length > 0 && bad.events.length > 0 && wrongType.errors.length > 0);
    expect((broken.errors[0] as any[])[0].extensions.code).toBe('GRAPHQL_PARSE_FAILED');
    expect((wrongType.errors[0] as any[])[0]).toMatchObject({
      message: expect.stringContaining('$name'),
      extensions: { code: 'BAD_USER_INPUT' },
    });
    expect(bad.events[0].errors?.[0]).toMatchObject({ extensions: { code: 'BAD_USER_INPUT', argumentName: 'agentName' } });
  });

  test('a subscription over HTTP is a clear validation error', async () => {
    const res = await tight.gql('subscription { agentRunUpdated { id } }');
    expect(res.status).toBe(200); // a document error, answered as JSON (src/graphql/json-status.ts)
    expect(res.data).toBeUndefined();
    expect(res.errors?.[0]).toMatchObject({
      message: expect.stringContaining('graphql-ws'),
      extensions: { code: 'GRAPHQL_VALIDATION_FAILED' },
    });
  });
});

describe('WebSocket upgrade and Origin', () => {
  const cors = serve({ CORS_ORIGINS: 'https://app.example.com' });

  const open = (server: TestServer, origin?: string) =>
    new Promise<number | 'open'>((resolve) => {
      const socket = new WebSocket(server.url.replace(/^http/, 'ws'), 'graphql-transport-ws', origin ? { origin } : {});
      socket.once('open', () => {
        socket.close();
        resolve('open');
      });
      socket.once('unexpected-response', (_req, res) => resolve(res.statusCode!));
      socket.once('error', () => undefined);
    });

  test('listed origins, the same origin and non-browsers connect; other origins get 403', async () => {
    expect(await open(cors, 'https://app.example.com')).toBe('open');
    expect(await open(cors, `http://127.0.0.1:${cors.port}`)).toBe('open');
    expect(await open(cors)).toBe('open');
    expect(await open(cors, 'https://evil.example.com')).toBe(403);
  });
});

test('the listener survives a terminated backend and delivers again', async () => {
  const stream = subscribe(connect(a), 'subscription { agentRunUpdated(agentName: "Reconnected") { status } }');
  await subscribed(a, 1);
  const listeners = `SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND application_name = 'creator-analytics-api:listener'`;
  const before = (await db.pool.query(listeners)).rows.map((r) => r.pid);
  expect(before.length).toBeGreaterThanOrEqual(2); // one per server of this file still up: a, b, ...
  await db.pool.query(`SELECT pg_terminate_backend(pid) FROM (${listeners}) l`);
  await until('every listener back', async () => {
    const now = (await db.pool.query(listeners)).rows.map((r) => r.pid);
    return now.length === before.length && now.every((pid) => !before.includes(pid));
  });
  await until('A listening', async () => (await gauge(a, 'live_updates_listening')) === 1);
  ok(
    await b.gql(
      'mutation { recordAgentRun(input: { agentName: "Reconnected", status: SUCCESS, startedAt: "2026-01-01T00:00:00Z" }) { id } }',
    ),
  );
  await until('the run after the reconnection', () => stream.events.length >= 1);
  expect(stream.events[0].data!.agentRunUpdated).toEqual({ status: 'SUCCESS' });
});

test('stopping the server completes every subscription and closes with 1001', async () => {
  const own = await startServer();
  let closed: { code: number } | undefined;
  const client = connect(own, undefined, (e) => (closed = e));
  const streams = [
    subscribe(client, 'subscription { agentRunUpdated { id } }'),
    subscribe(client, 'subscription { tierDistributionChanged { users } }'),
  ];
  await subscribed(own, 2);
  await own.stop();
  expect(streams.map((s) => [s.completed, s.errors])).toEqual([
    [true, []],
    [true, []],
  ]);
  await until('the close', () => closed !== undefined);
  expect(closed!.code).toBe(1001);
});

describe('the README example', () => {
  const keyed = serve({ API_KEYS: 'reader:r-key-123,admin:a-key' });

  test('runs as written (Node, graphql-ws and ws) and prints the run as it starts and ends', async () => {
    const readme = fs.readFileSync(path.join(__dirname, '..', 'README.md'), 'utf8');
    const code = /^### Subscriptions\n[\s\S]*?^```js\n([\s\S]*?)^```$/m.exec(readme)![1];
    // Next to the README, as it says, so that its imports resolve from node_modules.
    const file = path.join(__dirname, '..', `.readme-subscription-${process.pid}.mjs`);
    fs.writeFileSync(file, code.replace('localhost:4000', `127.0.0.1:${keyed.port}`));
    cleanup(() => fs.rmSync(file, { force: true }));
    const child = execFile(process.execPath, [file], { timeout: 30_000 });
    let out = '';
    child.stdout!.on('data', (c: Buffer) => (out += c.toString('utf8')));
    const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
    await subscribed(keyed, 1, { authorization: 'Bearer a-key' });
    ok(await keyed.gql('mutation { recomputeEngagementScores { usersScored } }', undefined, { authorization: 'Bearer a-key' }));
    expect(await exited).toBe(0);
    expect(out).toMatch(/agentName: 'ConversionAgent',\s+status: 'RUNNING'[\s\S]*agentName: 'ConversionAgent',\s+status: 'SUCCESS'/);
  });
});
