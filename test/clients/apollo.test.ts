/**
 * Apollo Client 4 (the core, no React), unmodified, against the real server over real HTTP: an
 * InMemoryCache whose `contents` connection merges pages with relayStylePagination, a watched first
 * page and two fetchMore calls that must yield the first three pages exactly as the server hands
 * them out, a mutation whose normalised result (PublishedContent:<id>) changes the watched data, and
 * not one console warning or error from Apollo on the way.
 *
 * Apollo Client 4 checks and warns only in its development build, which the "development" export
 * condition selects (as bundlers do in development); without it the warning check would hold vacuously.
 * @jest-environment-options {"customExportConditions": ["development", "node", "node-addons"]}
 */
import { ApolloClient, gql, HttpLink, InMemoryCache, ObservableQuery } from '@apollo/client';
import { relayStylePagination } from '@apollo/client/utilities';
import { __DEV__ } from '@apollo/client/utilities/environment';
import { factories } from '../support/factories';
import { ok } from '../support/server';
import { useTestServer } from '../support/use-test-server';
import { until } from '../support/wait';

const WRITER = 'writer-key-apollo-0123456789';
const AUTH = { authorization: `Bearer ${WRITER}` };
const { db, server } = useTestServer('clients_apollo', { API_KEYS: `writer:${WRITER}`, QUERY_STATS: '0' });

const PAGE = 2;
const CONTENTS = `
  query Contents($first: Int!, $after: String, $filter: ContentFilter) {
    contents(first: $first, after: $after, filter: $filter) {
      edges {
        cursor
        node {
          id
          platform
          views
          publishedAt
        }
      }
      pageInfo {
        hasNextPage
        endCursor
      }
    }
  }
`;
const FILTER = { platform: 'YOUTUBE' };

interface Edge {
  cursor: string;
  node: { id: string; platform: string; views: number | null; publishedAt: string };
}
interface ContentsData {
  contents: { edges: Edge[]; pageInfo: { hasNextPage: boolean; endCursor: string | null } };
}

let youtubeIds: string[];

beforeAll(async () => {
  const f = factories(db.pool);
  const plan = await f.plan({ title: 'apollo plan' });
  const base = Date.parse('2026-03-01T12:00:00Z');
  youtubeIds = [];
  // Seven YouTube posts an hour apart (more than three pages of two), and TikTok posts the filter leaves out.
  for (let i = 0; i < 7; i++) {
    const row = await f.content({ contentPlanId: plan.id, publishedAt: new Date(base - i * 3_600_000), views: 100 * (i + 1) });
    youtubeIds.push(String(row.id));
    await f.content({ contentPlanId: plan.id, platform: 'tiktok', publishedAt: new Date(base - i * 3_600_000 - 60_000), views: 5 });
  }
});

/** What the server answers for the first `pages` pages, read directly over POST, page after page. */
async function pagesReadDirectly(pages: number): Promise<{ edges: Edge[]; endCursor: string | null }> {
  const edges: Edge[] = [];
  let after: string | null = null;
  for (let i = 0; i < pages; i++) {
    const page: ContentsData['contents'] = ok<ContentsData>(
      await server.gql(CONTENTS, { first: PAGE, after, filter: FILTER }, AUTH),
    ).contents;
    edges.push(...page.edges);
    after = page.pageInfo.endCursor;
  }
  return { edges, endCursor: after };
}

/** The edges without the __typename fields Apollo adds to every selection. */
const plain = (edges: readonly any[]): Edge[] =>
  edges.map(({ cursor, node }) => ({
    cursor,
    node: { id: node.id, platform: node.platform, views: node.views, publishedAt: node.publishedAt },
  }));

test('relayStylePagination merges a watched page and two fetchMore pages; a mutation updates the watched data; no warnings', async () => {
  expect(__DEV__).toBe(true); // the development build, with its warnings
  const printed = (['warn', 'error'] as const).map((level) => jest.spyOn(console, level));
  const client = new ApolloClient({
    link: new HttpLink({ uri: server.url, headers: AUTH }),
    cache: new InMemoryCache({ typePolicies: { Query: { fields: { contents: relayStylePagination(['filter', 'orderBy']) } } } }),
  });
  const watched: ObservableQuery<ContentsData> = client.watchQuery<ContentsData>({
    query: gql(CONTENTS),
    variables: { first: PAGE, after: null, filter: FILTER },
  });
  let latest: ContentsData | undefined;
  let failure: unknown;
  const subscription = watched.subscribe({
    next: (result) => {
      if (result.error) failure = result.error;
      if (result.dataState === 'complete') latest = result.data;
    },
    error: (err) => (failure = err),
  });
  const edgeCount = (n: number) => async () => {
    if (failure) throw failure;
    return latest?.contents.edges.length === n;
  };
  try {
    await until('the first page', edgeCount(PAGE));
    for (const pages of [2, 3]) {
      const more = await watched.fetchMore({ variables: { after: latest!.contents.pageInfo.endCursor } });
      expect(more.data!.contents.edges).toHaveLength(PAGE);
      await until(`${pages} merged pages`, edgeCount(pages * PAGE));
    }

    const direct = await pagesReadDirectly(3);
    const merged = plain(latest!.contents.edges);
    expect(merged).toEqual(direct.edges);
    // Newest first, the filter's rows only, each once.
    expect(merged.map((e) => e.node.id)).toEqual(youtubeIds.slice(0, 6));
    expect(new Set(merged.map((e) => e.cursor)).size).toBe(6);
    expect(latest!.contents.pageInfo).toMatchObject({ hasNextPage: true, endCursor: direct.endCursor });

    // The mutation answers PublishedContent { id views }: the cache updates that object where the watched list holds it.
    const target = merged[3].node.id;
    const { data } = await client.mutate<{ updateContentMetrics: { id: string; views: number } }>({
      mutation: gql`
        mutation Views($input: UpdateContentMetricsInput!) {
          updateContentMetrics(input: $input) {
            id
            views
          }
        }
      `,
      variables: { input: { contentId: target, views: 123_456 } },
    });
    expect(data!.updateContentMetrics).toEqual({ __typename: 'PublishedContent', id: target, views: 123_456 });
    await until('the watched list to show the new views', () => latest!.contents.edges[3].node.views === 123_456);
    expect(plain(latest!.contents.edges)).toEqual(
      direct.edges.map((e, i) => (i === 3 ? { ...e, node: { ...e.node, views: 123_456 } } : e)),
    );
    expect((await db.pool.query('SELECT views FROM published_content WHERE id = $1', [target])).rows[0].views).toBe(123_456);

    for (const spy of printed) expect(spy.mock.calls).toEqual([]);
  } finally {
    subscription.unsubscribe();
    client.stop();
    for (const spy of printed) spy.mockRestore();
  }
});
