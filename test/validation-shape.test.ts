/**
 * One error shape for every argument of every field: one bad value for each kind of argument
 * (a field of an input, an item of the 5,000-item list, a top-level Int, a cursor, an id, a time
 * zone, groupBy, from/to, the agents' inputs, and the checks only the database can make) is
 * BAD_USER_INPUT with argumentName = the top-level argument, fields = [the full path], the message
 * "Invalid input: <path>: <problem naming the limit>", and nothing is written.
 */
import { factories } from './support/factories';
import { ok } from './support/server';
import { useTestServer } from './support/use-test-server';
import { expectRefused } from './writes/support';

const { db, server } = useTestServer('validation_shape');
let userId: string;
let byRateCursor: string;

beforeAll(async () => {
  const f = factories(db.pool);
  const plan = await f.plan();
  await f.content({ contentPlanId: plan.id, engagementRate: 0.5 });
  userId = String((await f.user()).id);
  const byRate = '{ contents(first: 1, orderBy: {field: ENGAGEMENT_RATE, direction: ASC}) { pageInfo { endCursor } } }';
  byRateCursor = ok(await server.gql(byRate)).contents.pageInfo.endCursor;
});

const SERIES =
  'query($from: DateTime!, $to: DateTime!, $tz: String, $bucket: TimeBucket! = DAY) ' +
  '{ engagementTimeSeries(bucket: $bucket, from: $from, to: $to, timeZone: $tz) { bucketStart } }';
const JAN = { from: '2026-01-01T00:00:00Z', to: '2026-01-02T00:00:00Z' };
const items = (n: number) => Array.from({ length: n }, () => ({ userId, type: 'VIEW' }));
const CREATE_INSIGHT = 'mutation($i: CreateInsightInput!) { createInsight(input: $i) { id } }';
const RECORD = 'mutation($i: [RecordInteractionInput!]!) { recordInteractions(input: $i) { inserted } }';
const NOT_AN_ID = (raw: string) => `must be the ID of a row (a positive integer), got "${raw}"`;

/** [kind, query, variables, argumentName, path, problem] */
type Case = [string, string, () => Record<string, unknown>, string, string, string];

const CASES: Case[] = [
  [
    'a field of an input',
    CREATE_INSIGHT,
    () => ({ i: { topic: ' ', score: 0.5 } }),
    'input',
    'input.topic',
    'must not be empty or only whitespace',
  ],
  [
    'a number field of an input',
    CREATE_INSIGHT,
    () => ({ i: { topic: 't', score: 1.5 } }),
    'input',
    'input.score',
    'must not be greater than 1',
  ],
  [
    'an item of the 5,000-item list',
    RECORD,
    () => ({ i: [...items(4999), { userId: '12a', type: 'VIEW' }] }),
    'input',
    'input[4999].userId',
    NOT_AN_ID('12a'),
  ],
  ['the size of the list', RECORD, () => ({ i: items(5001) }), 'input', 'input', 'must hold 1 to 5000 items, got 5001'],
  [
    'first',
    'query($n: Int) { insights(first: $n) { totalCount } }',
    () => ({ n: 101 }),
    'first',
    'first',
    'must be between 0 and 100, got 101',
  ],
  [
    'first of a nested connection',
    'query($n: Int) { communityUsers { nodes { interactions(first: $n) { totalCount } } } }',
    () => ({ n: -1 }),
    'first',
    'first',
    'must be between 0 and 100, got -1',
  ],
  [
    'first sent as null',
    'query($n: Int) { insights(first: $n) { totalCount } }',
    () => ({ n: null }),
    'first',
    'first',
    'must not be null; leave it out for its default',
  ],
  [
    'windowDays',
    'query($w: Int) { bestPostingTimes(windowDays: $w) { posts } }',
    () => ({ w: 3651 }),
    'windowDays',
    'windowDays',
    'must be between 1 and 3650, got 3651',
  ],
  [
    'minPosts',
    'query($m: Int) { bestPostingTimes(minPosts: $m) { posts } }',
    () => ({ m: 0 }),
    'minPosts',
    'minPosts',
    'must be between 1 and 2147483647, got 0',
  ],
  [
    'a cursor this API did not write',
    'query($c: String) { insights(after: $c) { totalCount } }',
    () => ({ c: 'bogus' }),
    'after',
    'after',
    'is not a cursor returned by this field',
  ],
  [
    'a cursor from another order',
    'query($c: String) { contents(after: $c) { totalCount } }',
    () => ({ c: byRateCursor }),
    'after',
    'after',
    'is not a cursor returned by this field with this order',
  ],
  ['an id', 'query($id: ID!) { communityUser(id: $id) { id } }', () => ({ id: '0' }), 'id', 'id', NOT_AN_ID('0')],
  [
    'an id inside a filter',
    'query($id: ID) { contents(filter: {insightId: $id}) { totalCount } }',
    () => ({ id: '-1' }),
    'filter',
    'filter.insightId',
    NOT_AN_ID('-1'),
  ],
  [
    'a time zone',
    SERIES,
    () => ({ ...JAN, tz: 'EST' }),
    'timeZone',
    'timeZone',
    'must be an IANA time zone name such as "Europe/Berlin" or "UTC", got "EST"',
  ],
  [
    'groupBy',
    'query($g: [ContentDimension!]!) { contentBreakdown(groupBy: $g) { contentCount } }',
    () => ({ g: ['PLATFORM', 'PLATFORM'] }),
    'groupBy',
    'groupBy',
    'must not name PLATFORM more than once',
  ],
  [
    'from/to',
    SERIES,
    () => ({ from: JAN.to, to: JAN.from }),
    'to',
    'to',
    'must be after from (from 2026-01-02T00:00:00.000Z, got 2026-01-01T00:00:00.000Z)',
  ],
  [
    'an agent input',
    'mutation($i: RecomputeEngagementInput) { recomputeEngagementScores(input: $i) { usersScored } }',
    () => ({ i: { windowDays: 0 } }),
    'input',
    'input.windowDays',
    'must be between 1 and 3650, got 0',
  ],
  [
    'another agent input',
    'mutation($i: TuneStrategyInput) { tuneStrategy(input: $i) { id } }',
    () => ({ i: { learningRate: 0 } }),
    'input',
    'input.learningRate',
    'must not be less than 0.000001',
  ],
  // Checks that need the database: the same shape, from the same function.
  [
    'a referenced row that does not exist',
    'mutation($i: CreateContentPlanInput!) { createContentPlan(input: $i) { id } }',
    () => ({ i: { title: 't', format: 'VIDEO', platform: 'X', insightId: '999999' } }),
    'input',
    'input.insightId',
    'no insight has id "999999"',
  ],
  [
    'a list item naming an unknown row',
    RECORD,
    () => ({ i: [...items(2), { userId: '888888', type: 'LIKE' }] }),
    'input',
    'input[2].userId',
    'no community user has id "888888"',
  ],
  [
    'the bucket count',
    SERIES,
    () => ({ bucket: 'HOUR', from: '2026-01-01T00:00:00Z', to: '2026-03-01T00:00:00Z', tz: 'UTC' }),
    'to',
    'to',
    'from..to spans 1416 HOUR buckets in UTC; at most 1000 are allowed',
  ],
];

test.each(CASES)('%s: BAD_USER_INPUT, argumentName, full path, a message naming the limit; nothing written', async (...c) => {
  const [, query, vars, argument, path, problem] = c;
  const res = await expectRefused(server, db.pool, query, vars(), path);
  expect(res.errors).toHaveLength(1);
  expect(res.errors![0].extensions).toEqual({ code: 'BAD_USER_INPUT', argumentName: argument, fields: [path] });
  expect(res.errors![0].message).toBe(`Invalid input: ${path}: ${problem}`);
});

test('several problems are listed in one error, each with its path', async () => {
  const input = items(20).map((it, i) => (i % 2 ? { ...it, userId: `x${i}` } : it));
  const res = await expectRefused(server, db.pool, RECORD, { i: input }, 'input[1].userId');
  const paths = [1, 3, 5, 7, 9, 11, 13, 15, 17, 19].map((i) => `input[${i}].userId`);
  expect(res.errors![0].extensions).toEqual({ code: 'BAD_USER_INPUT', argumentName: 'input', fields: paths });
  expect(res.errors![0].message).toBe(`Invalid input: ${paths.map((p, k) => `${p}: ${NOT_AN_ID(`x${2 * k + 1}`)}`).join('; ')}`);
});

test('time zones: UTC and Area/Location names pass, Etc/* included', async () => {
  const starts = async (tz: string) => ok(await server.gql(SERIES, { ...JAN, tz })).engagementTimeSeries.map((p: any) => p.bucketStart);
  expect(await starts('UTC')).toEqual(['2026-01-01T00:00:00.000Z']);
  // UTC-3 (Etc/GMT+3 counts the POSIX way): local days start at 03:00Z.
  for (const tz of ['Etc/GMT+3', 'America/Argentina/Salta']) {
    expect(await starts(tz)).toEqual(['2025-12-31T03:00:00.000Z', '2026-01-01T03:00:00.000Z']);
  }
  expect(await starts('Europe/Berlin')).toEqual(['2025-12-31T23:00:00.000Z', '2026-01-01T23:00:00.000Z']);
});
