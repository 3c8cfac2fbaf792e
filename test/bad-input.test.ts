/**
 * Bad-input sweep: hundreds of generated malformed requests (broken JSON, wrong content types and
 * methods, wrong variable types, huge and negative numbers, unknown enum values, deep nesting,
 * megabyte strings, invalid cursors, IDs, dates and time zones, mutations over GET, and the values
 * of ./bad-input.values.ts). Each must get a 4xx or a GraphQL error with extensions.code (never
 * INTERNAL_SERVER_ERROR), never a 5xx or a stack trace, and the database's row counts must not
 * change; a case with `expect` must get exactly that one BAD_USER_INPUT error.
 */
import { isDeepStrictEqual } from 'node:util';
import { encodeCursor } from '../src/db/sql/keyset';
import { factories, rowCounts } from './support/factories';
import { useTestServer } from './support/use-test-server';
import { Case, gqlCase, json, valueCases } from './bad-input.values';

const { db, server } = useTestServer('badinput');

beforeAll(async () => {
  const f = factories(db.pool);
  const insight = await f.insight();
  const plan = await f.plan({ insightId: insight.id });
  const content = await f.content({ contentPlanId: plan.id, views: 5 });
  const user = await f.user();
  await f.interaction({ userId: user.id, contentId: content.id });
  await f.run();
});

const b64 = (s: string) => Buffer.from(s).toString('base64url');
const MB = 'x'.repeat(1024 * 1024);

function cases(): Case[] {
  const out: Case[] = [];

  // Broken JSON bodies.
  const broken = [
    '{',
    '{"query":',
    '{"query": "{ __typename }"',
    'null',
    '[]',
    '[1]',
    '"a string"',
    '42',
    'true',
    '{"query": undefined}',
    "{'query': '{ __typename }'}",
    '{"query": "{ __typename }",}',
    '\u0000\u0001\u0002',
    '\uFEFF{"query": "{ __typename }"',
    ' ',
    '{"query": "\\x41"}',
    '{"query": "\\ud800"}',
    `${'['.repeat(100_000)}${']'.repeat(100_000)}`,
    `{"a":${'{"a":'.repeat(50_000)}1${'}'.repeat(50_001)}`,
    '{"query": "{ __typename }"} trailing',
    'NaN',
    '{"query": 1e999}',
  ];
  broken.forEach((body, i) => out.push({ kind: 'broken JSON', name: `#${i} ${body.slice(0, 30)}`, body }));

  // Wrong content types and methods.
  const okBody = json({ query: '{ __typename }' });
  for (const type of [
    'text/plain',
    'application/x-www-form-urlencoded',
    'multipart/form-data; boundary=x',
    'application/graphql',
    'application/xml',
    'text/html',
    'application/json; charset=latin1',
    'application/json; charset=utf-16',
    'application/jsonp',
    'application/graphql-response+json',
    '*/*',
    'garbage',
    'application/json, text/plain',
  ]) {
    out.push({ kind: 'content type', name: type, body: okBody, headers: { 'content-type': type } });
  }
  out.push({ kind: 'content type', name: 'none', body: okBody, headers: { 'content-type': '' } });
  for (const method of ['PUT', 'DELETE', 'PATCH']) out.push({ kind: 'method', name: method, method, body: okBody });
  out.push({ kind: 'method', name: 'GET without query', method: 'GET', search: '', headers: { 'apollo-require-preflight': '1' } });

  // Request parameters of the wrong shape.
  for (const [name, v] of Object.entries({
    'query number': { query: 7 },
    'query null': { query: null },
    'query array': { query: ['{ __typename }'] },
    'query object': { query: { a: 1 } },
    'no query': { variables: {} },
    'empty query': { query: '' },
    'variables string': { query: '{ __typename }', variables: 'x' },
    'variables array': { query: '{ __typename }', variables: [1] },
    'variables number': { query: '{ __typename }', variables: 3 },
    'operationName number': { query: '{ __typename }', operationName: 5 },
    'unknown operationName': { query: 'query A { __typename }', operationName: 'B' },
    'two operations, no name': { query: 'query A { __typename } query B { __typename }' },
    'extensions number': { query: '{ __typename }', extensions: 1 },
    'persisted query': { extensions: { persistedQuery: { version: 1, sha256Hash: 'abc' } } },
    batch: [{ query: '{ __typename }' }, { query: '{ __typename }' }],
  }))
    out.push({ kind: 'parameters', name, body: json(v) });

  // Mutations and other non-queries over GET, with and without the CSRF preflight header.
  for (const q of [
    'mutation { __typename }',
    'mutation { createInsight(input: { topic: "x" }) { id } }',
    'subscription { __typename }',
    'mutation M { recomputeEngagementScores { run { id } } }',
  ]) {
    out.push({
      kind: 'mutation over GET',
      name: q,
      method: 'GET',
      search: `?query=${encodeURIComponent(q)}`,
      headers: { 'apollo-require-preflight': '1' },
    });
    out.push({ kind: 'mutation over GET', name: `${q} (no preflight header)`, method: 'GET', search: `?query=${encodeURIComponent(q)}` });
  }
  out.push({
    kind: 'GET',
    name: 'variables not JSON',
    method: 'GET',
    search: '?query=%7B__typename%7D&variables=%7Bnope',
    headers: { 'apollo-require-preflight': '1' },
  });
  out.push({ kind: 'GET', name: 'query broken', method: 'GET', search: '?query=%7B', headers: { 'apollo-require-preflight': '1' } });

  // Wrong variable types, huge and negative numbers.
  const firstQ = 'query($n: Int) { insights(first: $n) { totalCount } }';
  for (const n of ['ten', 1.5, true, { a: 1 }, [1], 2 ** 31, -(2 ** 31) - 1, 2 ** 53, -1, -100, 101, 1000, 1e300, -0.5, '20']) {
    out.push(gqlCase('variable types / numbers', `first=${json(n)}`, firstQ, { n }));
  }
  for (const lit of ['-1', '101', '2147483648', '99999999999999999999', '1.5', '"20"', 'null', 'true', 'FIRST']) {
    out.push(gqlCase('literals / numbers', `first: ${lit}`, `{ contents(first: ${lit}) { totalCount } }`));
  }
  for (const v of ['abc', [0.5], { x: 1 }, true]) {
    out.push(
      gqlCase('variable types / numbers', `minScore=${json(v)}`, 'query($m: Float) { insights(minScore: $m) { totalCount } }', { m: v }),
    );
  }
  for (const lit of ['"0.5"', 'NaN', 'Infinity', '[1]', 'true']) {
    out.push(gqlCase('literals / numbers', `minScore: ${lit}`, `{ communityUsers(filter: { minScore: ${lit} }) { totalCount } }`));
  }

  // Unknown enum values, as literals and as variables.
  for (const [q, vars] of [
    ['{ contents(orderBy: { field: BOGUS, direction: DESC }) { totalCount } }', undefined],
    ['{ contents(orderBy: { field: VIEWS, direction: SIDEWAYS }) { totalCount } }', undefined],
    ['{ contents(orderBy: { field: "VIEWS", direction: DESC }) { totalCount } }', undefined],
    ['{ contents(filter: { platform: MYSPACE }) { totalCount } }', undefined],
    ['{ contents(filter: { platform: youtube }) { totalCount } }', undefined],
    ['{ contents(filter: { format: "VIDEO" }) { totalCount } }', undefined],
    ['{ communityUsers(filter: { tier: GOD }) { totalCount } }', undefined],
    ['{ agentRuns(status: EXPLODED) { totalCount } }', undefined],
    ['query($p: Platform) { contents(filter: { platform: $p }) { totalCount } }', { p: 'youtube' }],
    ['query($p: Platform) { contents(filter: { platform: $p }) { totalCount } }', { p: 'MYSPACE' }],
    ['query($p: Platform) { contents(filter: { platform: $p }) { totalCount } }', { p: 1 }],
    ['query($t: Tier) { communityUsers(filter: { tier: $t }) { totalCount } }', { t: 'god' }],
    ['query($s: RunStatus) { agentRuns(status: $s) { totalCount } }', { s: ['SUCCESS'] }],
    ['query($o: ContentOrder) { contents(orderBy: $o) { totalCount } }', { o: { field: 'LIKES', direction: 'DESC' } }],
    ['query($o: ContentOrder) { contents(orderBy: $o) { totalCount } }', { o: { field: 'VIEWS' } }],
    ['query($o: ContentOrder) { contents(orderBy: $o) { totalCount } }', { o: { field: 'VIEWS', direction: 'DESC', extra: 1 } }],
  ] as [string, unknown][])
    out.push(gqlCase('enums', q.slice(0, 60) + (vars ? ` ${json(vars)}` : ''), q, vars));

  // Deep nesting, wide documents, unknown fields, broken documents.
  for (const depth of [11, 20, 50, 500, 4000]) {
    out.push(
      gqlCase(
        'nesting',
        `depth ${depth}`,
        `{ ${'communityUsers(first: 1) { nodes { interactions(first: 1) { nodes { user { '.repeat(Math.ceil(depth / 5))} id ${'} } } } } '.repeat(Math.ceil(depth / 5))}}`,
      ),
    );
  }
  out.push(gqlCase('nesting', 'unknown field 2000 deep', `${'{ a '.repeat(2000)}${'}'.repeat(2000)}`));
  out.push(gqlCase('nesting', '40 aliases', `{ ${Array.from({ length: 40 }, (_, i) => `a${i}: insights { totalCount }`).join(' ')} }`));
  out.push(
    gqlCase(
      'nesting',
      'cost',
      '{ insights(first: 100) { nodes { contentPlans(first: 100) { nodes { publishedContent { interactions(first: 100) { nodes { id } } } } } } } }',
    ),
  );
  out.push(gqlCase('nesting', '20000 fields', `{ ${'__typename '.repeat(20_000)}}`));
  out.push(gqlCase('nesting', 'fragment cycle', '{ ...A } fragment A on Query { ...B } fragment B on Query { ...A }'));
  out.push(gqlCase('nesting', 'unknown fragment', '{ ...Nope }'));
  for (const q of [
    '{',
    '}',
    '{ insights(first: ) { totalCount } }',
    'query { insights { nope } }',
    'query($x: Nope) { __typename }',
    'query($x: Int!) { insights(first: $x) { totalCount } }',
    '{ insights(first: 1, first: 2) { totalCount } }',
    'fragment F on Query { __typename }',
    '{ insights(bogus: 1) { totalCount } }',
    '{ insights }',
    '{ __typename @skip }',
    '{ __typename @nope }',
    'query @include(if: true) { __typename }',
    '"""unterminated',
    '{ __typename } }',
    'query Q($a: Int = "x") { __typename }',
    '# only a comment',
    '{ insight { id } }',
  ]) {
    out.push(gqlCase('documents', q.slice(0, 50), q));
  }

  // Megabyte strings (under and over the body limit).
  out.push(gqlCase('megabyte strings', 'cursor of 1 MB (413)', 'query($a: String) { insights(after: $a) { totalCount } }', { a: MB }));
  out.push(
    gqlCase('megabyte strings', 'cursor of 0.9 MB', 'query($a: String) { insights(after: $a) { totalCount } }', {
      a: MB.slice(0, 900_000),
    }),
  );
  out.push(gqlCase('megabyte strings', 'id of 0.9 MB', 'query($id: ID!) { insight(id: $id) { id } }', { id: '1'.repeat(900_000) }));
  out.push(
    gqlCase('megabyte strings', 'enum value of 0.9 MB', 'query($s: RunStatus) { agentRuns(status: $s) { totalCount } }', {
      s: MB.slice(0, 900_000),
    }),
  );
  out.push(
    gqlCase('megabyte strings', 'DateTime of 0.9 MB', 'query($d: DateTime) { contents(filter: { publishedAfter: $d }) { totalCount } }', {
      d: MB.slice(0, 900_000),
    }),
  );
  out.push(gqlCase('megabyte strings', 'string literal of 0.9 MB', `{ insights(after: "${MB.slice(0, 900_000)}") { totalCount } }`));
  out.push(gqlCase('megabyte strings', 'comment of 0.9 MB then nothing', `#${MB.slice(0, 900_000)}`));

  // Invalid cursors, on every kind of connection.
  const cursorFields = [
    'insights(first: 1, after: $c) { totalCount }',
    'contents(first: 1, after: $c) { totalCount }',
    'contents(first: 1, after: $c, orderBy: { field: VIEWS, direction: ASC }) { totalCount }',
    'contents(first: 1, after: $c, orderBy: { field: ENGAGEMENT_RATE, direction: DESC }) { totalCount }',
    'communityUsers(first: 1, after: $c) { totalCount }',
    'agentRuns(first: 1, after: $c) { totalCount }',
    'contentPlans(first: 1, after: $c) { totalCount }',
    'communityUsers(first: 1) { nodes { interactions(first: 1, after: $c) { totalCount } } }',
    // and as before, paging backwards
    'insights(last: 1, before: $c) { totalCount }',
    'contents(last: 1, before: $c, orderBy: { field: VIEWS, direction: ASC }) { totalCount }',
    'communityUsers(first: 1) { nodes { interactions(last: 1, before: $c) { totalCount } } }',
  ];
  const badCursors = [
    '',
    'abc',
    '!!!',
    '====',
    'eyJ',
    b64('[1]'),
    b64('[null]'),
    b64('["x", 1]'),
    b64('[1, 1]'),
    b64('{"a":1}'),
    b64('["2026-01-01 00:00:00+00", -1]'),
    b64('["2026-01-01 00:00:00+00", 1.5]'),
    b64('["2026-01-01 00:00:00+00", "1"]'),
    b64('["2026-13-45 99:99:99+00", 1]'),
    b64('["2026-02-30 00:00:00+00", 1]'),
    b64('["99999999-01-01 00:00:00+00", 1]'),
    b64('["2026-01-01 24:00:00+00", 1]'),
    b64('["2026-01-01 00:00:00+16", 1]'),
    b64('["1e999", 1]'),
    b64('["-1e999", 1]'),
    b64('["1e-999", 1]'),
    b64('["0.5", 9007199254740993]'),
    encodeCursor('0.5', 1).slice(0, -2),
  ];
  // Not here, because they are cursors the server could have made: "NaN" and 1e19 for float keys,
  // ids above int4 (an id column compares with them as int8 and finds nothing).
  for (const field of cursorFields) {
    for (const c of badCursors)
      out.push(gqlCase('cursors', `${field.split('(')[0]} ${c.slice(0, 24)}`, `query($c: String) { ${field} }`, { c }));
  }

  // Invalid IDs.
  for (const id of [
    '',
    '0',
    '-1',
    '1.5',
    'abc',
    ' 1',
    '1 ',
    '0x10',
    '1e3',
    '01',
    '99999999999999999999',
    '9007199254740993',
    '１',
    'null',
    "1' OR '1'='1",
  ]) {
    out.push(gqlCase('ids', `insight(id: ${json(id)})`, 'query($id: ID!) { insight(id: $id) { id } }', { id }));
    out.push(
      gqlCase('ids', `contents(filter.insightId: ${json(id)})`, 'query($id: ID) { contents(filter: { insightId: $id }) { totalCount } }', {
        id,
      }),
    );
  }
  for (const id of [1.5, true, { a: 1 }, null])
    out.push(gqlCase('ids', `agentRun(id: ${json(id)})`, 'query($id: ID!) { agentRun(id: $id) { id } }', { id }));

  // Invalid dates and time zones.
  const dateQ = 'query($d: DateTime) { contents(filter: { publishedAfter: $d }) { totalCount } }';
  for (const d of [
    'yesterday',
    '',
    '2026-02-30T00:00:00Z',
    // Plain UTC texts (the DateTime scalar's fast path) that name no instant or an unstorable one.
    '2026-02-29T00:00:00.000Z',
    '2026-01-01T24:00:00Z',
    '2026-01-01T23:59:60.000Z',
    '0000-01-01T00:00:00.000Z',
    '2026-13-01T00:00:00Z',
    '2026-01-01T25:00:00Z',
    '2026-01-01T00:60:00Z',
    '2026-01-01T00:00:00+25:00',
    '2026-01-01T00:00:00',
    '2026-01-01',
    '26-01-01T00:00:00Z',
    '+275760-09-13T00:00:00.001Z',
    '0000-00-00T00:00:00Z',
    '2026-01-01T00:00:00Z[Europe/Paris]',
    1_700_000_000_000,
    true,
    ['2026-01-01T00:00:00Z'],
  ]) {
    out.push(gqlCase('dates', `publishedAfter=${json(d)}`, dateQ, { d }));
  }
  for (const lit of ['"soon"', '1700000000', '"2026-01-01T00:00:00"']) {
    out.push(gqlCase('dates', `since: ${lit}`, `{ communityUsers(first: 1) { nodes { interactions(since: ${lit}) { totalCount } } } }`));
  }
  const tsQ =
    'query($tz: String) { engagementTimeSeries(bucket: DAY, from: "2026-01-01T00:00:00Z", to: "2026-01-02T00:00:00Z", timeZone: $tz) { bucketStart } }';
  for (const tz of ['Mars/Olympus_Mons', '', 'UTC; DROP TABLE insights', '../../etc/passwd', 'x'.repeat(10_000), '+99:00']) {
    out.push(gqlCase('dates', `timeZone=${tz.slice(0, 30)}`, tsQ, { tz }));
  }
  for (const [from, to] of [
    ['2026-01-02T00:00:00Z', '2026-01-01T00:00:00Z'],
    ['1900-01-01T00:00:00Z', '2100-01-01T00:00:00Z'],
    ['nope', 'nope'],
  ]) {
    out.push(
      gqlCase('dates', `timeseries ${from}..${to}`, `{ engagementTimeSeries(bucket: HOUR, from: "${from}", to: "${to}") { bucketStart } }`),
    );
  }

  // Ingest mutations with bad input (refused before writing).
  for (const input of [
    '{ topic: "" }',
    '{ topic: "   " }',
    `{ topic: "${'t'.repeat(501)}" }`,
    '{ topic: "x", score: 2 }',
    '{ topic: "x", score: -1 }',
    '{}',
    'null',
  ]) {
    out.push(gqlCase('mutations', `createInsight ${input.slice(0, 40)}`, `mutation { createInsight(input: ${input}) { id } }`));
  }
  out.push(...valueCases());
  // Metrics over their bounds (each would break a sum or a mean), and a RUNNING run of the server's own agents.
  const metrics = [
    'views: 1000000000001',
    'likes: 9007199254740991',
    'shares: 1000000000001',
    'engagementRate: 1000.5',
    'engagementRate: 1e308',
  ];
  for (const metric of metrics) {
    const q = `mutation { updateContentMetrics(input: { contentId: "1", ${metric} }) { id } }`;
    out.push(gqlCase('mutations', `updateContentMetrics ${metric}`, q));
  }
  for (const run of [
    'agentName: "ConversionAgent", status: RUNNING',
    'agentName: " AnalyticsAgent ", status: RUNNING',
    'agentName: "X", status: SUCCESS, executionTime: 1e308',
    'agentName: "X", status: SUCCESS, executionTime: 10000000001',
  ]) {
    const q = `mutation { recordAgentRun(input: { ${run}, startedAt: "2026-01-01T00:00:00Z" }) { id } }`;
    out.push(gqlCase('mutations', `recordAgentRun ${run}`, q));
  }
  // Operations of several Mutation fields: a later field that fails rolls the earlier ones back; an agent runs alone.
  for (const [q, vars] of [
    ['mutation { a: createInsight(input: { topic: "kept?" }) { id } b: createInsight(input: { topic: "" }) { id } }', undefined],
    [
      `mutation { a: createContentPlan(input: { title: "kept?", format: VIDEO, platform: X }) { id }
      b: publishContent(input: { contentPlanId: "999999" }) { id } }`,
      undefined,
    ],
    ['mutation { a: createInsight(input: { topic: "x" }) { id } b: tuneStrategy { version } }', undefined],
    ['mutation { a: analyzeAgentPerformance { since } b: analyzeAgentPerformance { since } }', undefined],
    [
      'mutation($s: Boolean!) { a: createInsight(input: { topic: "x" }) @skip(if: $s) { id } b: createInsight(input: { topic: "y" }) { id } }',
      { s: 'yes' },
    ],
  ] as [string, unknown][])
    out.push(gqlCase('mutation operations', q.slice(0, 60), q, vars));
  return out;
}

test('at least 200 malformed requests: 4xx or a coded GraphQL error, never a 5xx or a stack trace, nothing written', async () => {
  const before = await rowCounts(db.pool);
  const all = cases();
  expect(all.length).toBeGreaterThanOrEqual(200);
  const problems: string[] = [];
  const tally: Record<string, number> = {};
  for (const c of all) {
    const method = c.method ?? 'POST';
    const res = await fetch(`${server.url}${c.search ?? ''}`, {
      method,
      headers: { ...(method === 'GET' ? {} : { 'content-type': 'application/json' }), ...c.headers },
      body: method === 'GET' ? undefined : c.body,
    });
    const text = await res.text();
    const label = `[${c.kind}] ${c.name}: HTTP ${res.status} ${text.slice(0, 200)}`;
    tally[`${c.kind} -> ${res.status}`] = (tally[`${c.kind} -> ${res.status}`] ?? 0) + 1;
    if (res.status >= 500) problems.push(`5xx ${label}`);
    if (/stacktrace|\n\s+at |\.ts:\d|node_modules/.test(text)) problems.push(`stack ${label}`);
    let body: any;
    try {
      body = JSON.parse(text);
    } catch {
      problems.push(`not JSON ${label}`);
      continue;
    }
    const errors: any[] = Array.isArray(body?.errors) ? body.errors : [];
    if (!errors.length) problems.push(`no error ${label}`);
    for (const e of errors) {
      const code = e?.extensions?.code;
      if (typeof code !== 'string') problems.push(`no code ${label}`);
      if (code === 'INTERNAL_SERVER_ERROR') problems.push(`internal ${label}`);
    }
    if (c.expect) {
      const { argumentName, field, problem } = c.expect;
      const wanted = [[{ code: 'BAD_USER_INPUT', argumentName, fields: [field] }, `Invalid input: ${field}: ${problem}`]];
      if (
        !isDeepStrictEqual(
          errors.map((e) => [e.extensions, e.message]),
          wanted,
        )
      )
        problems.push(`not ${json(wanted)} ${label}`);
    }
    if (res.status < 400 && res.status !== 200) problems.push(`odd status ${label}`);
  }
  console.log(
    `${all.length} malformed requests\n${Object.entries(tally)
      .map(([k, n]) => `${String(n).padStart(4)}  ${k}`)
      .join('\n')}`,
  );
  expect(problems).toEqual([]);
  expect(await rowCounts(db.pool)).toEqual(before);
});

test('cursors the server makes still page through every row, both ways (the cursor checks refuse only forged ones)', async () => {
  const f = factories(db.pool);
  const plan = await f.plan();
  for (const views of [null, 0, 7, 7, 1e15])
    await f.content({ contentPlanId: plan.id, views, engagementRate: views === null ? null : 1e-300 });
  for (const score of [0, 1e-310, 0.25, 0.25]) await f.user({ engagementScore: score });
  for (const [field, order] of [
    ['insights', ''],
    ['contents', ', orderBy: { field: VIEWS, direction: ASC }'],
    ['contents', ', orderBy: { field: ENGAGEMENT_RATE, direction: DESC }'],
    ['communityUsers', ''],
    ['agentRuns', ''],
  ]) {
    const total = (await server.gql(`{ ${field} { totalCount } }`)).data[field].totalCount;
    const seen: string[] = [];
    let after: string | null = null;
    for (let page = 0; page < 20; page++) {
      const res: any = await server.gql(
        `query($a: String) { ${field}(first: 1, after: $a${order}) { nodes { id } pageInfo { hasNextPage endCursor } } }`,
        { a: after },
      );
      expect(res.errors).toBeUndefined();
      seen.push(...res.data[field].nodes.map((n: { id: string }) => n.id));
      if (!res.data[field].pageInfo.hasNextPage) break;
      after = res.data[field].pageInfo.endCursor;
    }
    expect([field, order, new Set(seen).size, seen.length]).toEqual([field, order, total, total]);
    // Backwards, one row a page from the end: the same rows, in the same order.
    const back: string[] = [];
    let before: string | null = null;
    for (let page = 0; page < 20; page++) {
      const res: any = await server.gql(
        `query($b: String) { ${field}(last: 1, before: $b${order}) { nodes { id } pageInfo { hasPreviousPage startCursor } } }`,
        { b: before },
      );
      expect(res.errors).toBeUndefined();
      back.unshift(...res.data[field].nodes.map((n: { id: string }) => n.id));
      if (!res.data[field].pageInfo.hasPreviousPage) break;
      before = res.data[field].pageInfo.startCursor;
    }
    expect([field, order, back]).toEqual([field, order, seen]);
  }
});
