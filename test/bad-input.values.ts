/**
 * The bad-input sweep's cases (test/bad-input.test.ts), and among them the values that once got
 * past validation to fail inside SQL or to mean something else there: NUL and lone surrogates in
 * any string (inside JSON too), non-finite numbers, JSON nested too deep, an empty agent name,
 * since after until, a learning rate that underflows, time zones that are no zone names. Each of
 * those must answer BAD_USER_INPUT naming its argument and path (`expect`).
 */
export interface Case {
  kind: string;
  name: string;
  method?: string;
  /** Raw body (a string is sent as is). */
  body?: string;
  headers?: Record<string, string>;
  /** Query string for GET. */
  search?: string;
  /** The one BAD_USER_INPUT error the case must get: its argument, its path and its problem. */
  expect?: { argumentName: string; field: string; problem: string };
}

export const json = (v: unknown) => JSON.stringify(v);
export const gqlCase = (kind: string, name: string, query: string, variables?: unknown): Case => ({
  kind,
  name,
  body: json({ query, variables }),
});

const NUL = 'must not contain the NUL character (U+0000)';
const LONE = 'must be well-formed UTF-16 (it holds a lone surrogate, half of a pair)';
const NOT_FINITE = 'must be a finite number';
const RUN = { agentName: 'x', status: 'SUCCESS', startedAt: '2026-01-01T00:00:00Z' };
const PLAN = { title: 't', format: 'VIDEO', platform: 'X' };
const mutation = (field: string, type: string, selection = '{ id }') => `mutation($v: ${type}) { ${field}(input: $v) ${selection} }`;
const INSIGHT = mutation('createInsight', 'CreateInsightInput!');
const USER = mutation('upsertCommunityUser', 'UpsertCommunityUserInput!');
const AGENT_RUN = mutation('recordAgentRun', 'RecordAgentRunInput!');

/** [query with $v, variables for a value v, argumentName, path] for every string argument of the API. */
const STRING_ARGUMENTS: [string, (v: string) => Record<string, unknown>, string, string][] = [
  ['query($v: String) { agentRuns(agentName: $v) { totalCount } }', (v) => ({ v }), 'agentName', 'agentName'],
  ['query($v: ID!) { insight(id: $v) { id } }', (v) => ({ v }), 'id', 'id'],
  ['query($v: String) { insights(after: $v) { totalCount } }', (v) => ({ v }), 'after', 'after'],
  ['query($v: ID) { contents(filter: { insightId: $v }) { totalCount } }', (v) => ({ v }), 'filter', 'filter.insightId'],
  ['query($v: String) { bestPostingTimes(timeZone: $v) { posts } }', (v) => ({ v }), 'timeZone', 'timeZone'],
  [INSIGHT, (v) => ({ v: { topic: v } }), 'input', 'input.topic'],
  [INSIGHT, (v) => ({ v: { topic: 't', summary: v } }), 'input', 'input.summary'],
  [INSIGHT, (v) => ({ v: { topic: 't', source: v } }), 'input', 'input.source'],
  [mutation('createContentPlan', 'CreateContentPlanInput!'), (v) => ({ v: { ...PLAN, title: v } }), 'input', 'input.title'],
  [mutation('publishContent', 'PublishContentInput!'), (v) => ({ v: { contentPlanId: '1', url: v } }), 'input', 'input.url'],
  [USER, (v) => ({ v: { handle: v, platform: 'X' } }), 'input', 'input.handle'],
  [USER, (v) => ({ v: { handle: 'h', platform: 'X', displayName: v } }), 'input', 'input.displayName'],
  [AGENT_RUN, (v) => ({ v: { ...RUN, agentName: v } }), 'input', 'input.agentName'],
  [AGENT_RUN, (v) => ({ v: { ...RUN, error: v } }), 'input', 'input.error'],
  [AGENT_RUN, (v) => ({ v: { ...RUN, details: v } }), 'input', 'input.details'],
  [
    mutation('recordInteractions', '[RecordInteractionInput!]!', '{ inserted }'),
    (v) => ({
      v: [
        { userId: '1', type: 'VIEW' },
        { userId: '1', type: 'VIEW', contentId: v },
      ],
    }),
    'input',
    'input[1].contentId',
  ],
];

const nested = (levels: number): unknown => (levels === 0 ? 1 : { a: nested(levels - 1) });
const SERIES =
  'query($tz: String) { engagementTimeSeries(bucket: DAY, from: "2026-01-01T00:00:00Z", to: "2026-01-02T00:00:00Z", ' +
  'timeZone: $tz) { bucketStart } }';
const TIME_ZONE_QUERIES = [
  SERIES,
  'query($tz: String) { contentBreakdown(groupBy: [FORMAT], timeZone: $tz) { contentCount } }',
  'query($tz: String) { bestPostingTimes(timeZone: $tz) { posts } }',
];

export function valueCases(): Case[] {
  const out: Case[] = [];
  const add = (kind: string, name: string, query: string, variables: unknown, argumentName: string, field: string, problem: string) =>
    out.push({ ...gqlCase(kind, name, query, variables), expect: { argumentName, field, problem } });
  const LITERAL_RUN = 'recordAgentRun(input: { agentName: "x", status: SUCCESS, startedAt: "2026-01-01T00:00:00Z"';

  for (const [query, vars, argument, path] of STRING_ARGUMENTS) {
    for (const [bad, problem] of [
      ['a\u0000b', NUL],
      ['sur\uD800', LONE],
      ['sur\uDBFF', LONE],
      ['\uDC00x', LONE],
      ['\uDE00\uD83D', LONE],
    ]) {
      add('strings', `${path} = ${json(bad)}`, query, vars(bad), argument, path, problem);
    }
  }
  // (A lone surrogate written in the document itself is refused by the parser: GRAPHQL_PARSE_FAILED.)
  out.push(gqlCase('strings', 'lone surrogate in a literal', '{ agentRuns(agentName: "sur\uD800") { totalCount } }'));
  out.push(gqlCase('strings', 'escaped lone surrogate in a literal', '{ agentRuns(agentName: "sur\\uD800") { totalCount } }'));

  for (const [name, d, path, problem] of [
    ['value', { k: 'a\uD800' }, '.k', LONE],
    ['key', { ['k\uDBFF']: 1 }, '', `has a key that ${LONE}: "k\\udbff"`],
    ['NUL key', { ['k\u0000']: 1 }, '', `has a key that ${NUL}: "k\\u0000"`],
    ['list item', { list: [1, 'x\u0000'] }, '.list[1]', NUL],
    ['odd key', { 'odd key': ['\uD800'] }, '["odd key"][0]', LONE],
    ['101 levels', nested(101), '', 'must not nest deeper than 100 levels'],
  ] as [string, unknown, string, string][]) {
    add('JSON', `details ${name}`, AGENT_RUN, { v: { ...RUN, details: d } }, 'input', `input.details${path}`, problem);
  }

  // graphql-js reads the literal 1e999 as Infinity, for a Float and inside JSON alike.
  for (const [query, argument, path] of [
    ['{ insights(minScore: 1e999) { totalCount } }', 'minScore', 'minScore'],
    ['{ communityUsers(filter: { minScore: -1e999 }) { totalCount } }', 'filter', 'filter.minScore'],
    ['mutation { updateContentMetrics(input: { contentId: "1", engagementRate: 1e999 }) { id } }', 'input', 'input.engagementRate'],
    [`mutation { ${LITERAL_RUN}, executionTime: 1e999 }) { id } }`, 'input', 'input.executionTime'],
    ['mutation { recomputeEngagementScores(input: { halfLifeDays: 1e999 }) { usersScored } }', 'input', 'input.halfLifeDays'],
    [`mutation { ${LITERAL_RUN}, details: { a: [1e999] } }) { id } }`, 'input', 'input.details.a[0]'],
  ])
    add('numbers', query.slice(0, 60), query, undefined, argument, path, NOT_FINITE);

  const learningRate = 'mutation($r: Float) { tuneStrategy(input: { learningRate: $r }) { id } }';
  for (const r of [5e-324, 0, 9.99e-7, -1]) {
    add('numbers', `learningRate ${r}`, learningRate, { r }, 'input', 'input.learningRate', 'must not be less than 0.000001');
  }

  const agentRuns = 'query($n: String) { agentRuns(agentName: $n) { totalCount } }';
  for (const [n, problem] of [
    ['', 'must not be empty or only whitespace'],
    [' \t ', 'must not be empty or only whitespace'],
    ['x'.repeat(501), 'must be at most 500 characters after trimming'],
  ]) {
    add('names', `agentRuns(agentName: ${json(n.slice(0, 10))})`, agentRuns, { n }, 'agentName', 'agentName', problem);
  }

  const range = { since: '2026-02-01T00:00:00Z', until: '2026-01-31T23:59:59.999Z' };
  const notBefore = 'must not be before since (since 2026-02-01T00:00:00.000Z, got 2026-01-31T23:59:59.999Z)';
  add(
    'order',
    'agentPerformance since > until',
    'query($since: DateTime, $until: DateTime) ' + '{ agentPerformance(since: $since, until: $until) { agentName } }',
    range,
    'until',
    'until',
    notBefore,
  );
  add(
    'order',
    'analyzeAgentPerformance since > until',
    'mutation($i: AnalyzeAgentsInput) { analyzeAgentPerformance(input: $i) ' + '{ stats { agentName } } }',
    { i: range },
    'input',
    'input.until',
    notBefore,
  );

  for (const query of TIME_ZONE_QUERIES) {
    for (const tz of ['EST', 'posixrules', 'localtime', 'Factory', 'EST5EDT', 'GMT0', 'posix/Europe/Berlin', 'right/UTC', 'CEST', '+03']) {
      add(
        'time zones',
        `${/\{ (\w+)\(/.exec(query)![1]} ${tz}`,
        query,
        { tz },
        'timeZone',
        'timeZone',
        `must be an IANA time zone name such as "Europe/Berlin" or "UTC", got "${tz}"`,
      );
    }
  }
  return out;
}
