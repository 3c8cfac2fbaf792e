/**
 * MAX_QUERY_FIELDS: a document's fields, fragment spreads and inline fragments are counted before
 * the rest of validation, whose OverlappingFieldsCanBeMerged compares same-named fields pairwise.
 * Over the limit the refusal is the only error: no later rule looked at the selections.
 */
import { getIntrospectionQuery } from 'graphql';
import { ok } from './support/server';
import { useTestServer } from './support/use-test-server';

const { server, serve } = useTestServer('field_limit', { API_KEYS: 'reader:field-limit-reader' });
const tight = serve({ MAX_QUERY_FIELDS: '5' });

const times = (n: number, s: string) => Array.from({ length: n }, () => s).join(' ');
const READER = { authorization: 'Bearer field-limit-reader' };
const refusal = (max: number, found: number) => ({
  message: `Query field limit of ${max} exceeded, found ${found} fields and fragment spreads (MAX_QUERY_FIELDS).`,
  extensions: { code: 'GRAPHQL_VALIDATION_FAILED' },
});

test('150 fields pass, 151 are refused naming the limit and its variable', async () => {
  expect(ok(await server.gql(`{ ${times(150, '__typename')} }`, undefined, READER)).__typename).toBe('Query');
  const res = await server.gql(`{ ${times(151, '__typename')} }`, undefined, READER);
  expect(res.errors).toEqual([refusal(150, 151)]);
  expect(res.data).toBeUndefined();
});

test('the 1,100-field document is refused, anonymously, with no other validation error', async () => {
  // Same-named fields (OverlappingFieldsCanBeMerged's worst case), plus what later rules would report:
  // a conflicting alias, an unknown field and an unused fragment.
  const stall = `{ ${times(1100, 'tierDistribution { tier }')} tierDistribution: agentPerformance { agentName } nope }
    fragment Unused on Query { __typename }`;
  const res = await server.gql(stall);
  expect(res.errors).toEqual([refusal(150, 2204)]);
  expect(res.status).toBe(200); // application/json: like every validation error
  const strict = await server.gql(stall, undefined, { accept: 'application/graphql-response+json' });
  expect(strict.status).toBe(400);
  expect(strict.errors).toEqual([refusal(150, 2204)]);
});

test("fragment spreads count one each and a fragment's fields once", async () => {
  const spread = (n: number) => `{ ${times(n, '...F')} } fragment F on Query { ${times(10, '__typename')} }`;
  expect(ok(await server.gql(spread(140), undefined, READER)).__typename).toBe('Query');
  expect((await server.gql(spread(141))).errors).toEqual([refusal(150, 151)]);
  const inline = `{ ${times(67, '... on Query { __typename tierDistribution { tier } }')} }`;
  expect((await server.gql(inline)).errors).toEqual([refusal(150, 268)]);
});

test('the introspection query that GraphiQL sends passes the default limit', async () => {
  const query = getIntrospectionQuery({
    descriptions: true,
    specifiedByUrl: true,
    directiveIsRepeatable: true,
    schemaDescription: true,
    inputValueDeprecation: true,
  });
  expect(ok(await server.gql(query, undefined, READER)).__schema.queryType.name).toBe('Query');
});

test('MAX_QUERY_FIELDS sets it', async () => {
  expect(ok(await tight.gql('{ tierDistribution { tier users } agentPerformance { agentName } }')).tierDistribution).toHaveLength(4);
  expect((await tight.gql('{ tierDistribution { tier users } agentPerformance { agentName totalRuns } }')).errors).toEqual([refusal(5, 6)]);
});
