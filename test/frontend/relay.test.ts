/**
 * Relay (docs/api.md "Global ids", README "Use it from a frontend"): relay-compiler 21 compiles a
 * small Relay app against the schema the code emits, with no error: a pagination fragment on a
 * Node type (@refetchable + @connection forwards), a backward @connection on Query, and a query that
 * spreads them. Then the operation texts it generated run against the real server over HTTP.
 */
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { buildAppSchema } from '../../src/schema';
import { factories } from '../support/factories';
import { ok } from '../support/server';
import { useTestServer } from '../support/use-test-server';

const RELAY_COMPILER = path.resolve(__dirname, '../../node_modules/.bin/relay-compiler');

/** The README's relay.config.json (section "Relay"): Relay identifies objects by nodeId, the per-table id stays as it is. */
const README = readFileSync(path.resolve(__dirname, '../../README.md'), 'utf8');
const CONFIG = JSON.parse(/^```json\n([\s\S]*?"nodeInterfaceIdField"[\s\S]*?)^```$/m.exec(README)![1]);

const FILES: Record<string, string> = {
  'UserInteractions.ts': `import { graphql } from 'react-relay';
export const userFragment = graphql\`
  fragment UserInteractions_user on CommunityUser
  @refetchable(queryName: "UserInteractionsRefetchQuery")
  @argumentDefinitions(count: { type: "Int", defaultValue: 2 }, cursor: { type: "String" }) {
    handle
    interactions(first: $count, after: $cursor) @connection(key: "UserInteractions_interactions") {
      edges { node { id type } }
    }
  }
\`;
`,
  'InsightList.ts': `import { graphql } from 'react-relay';
export const insightsFragment = graphql\`
  fragment InsightList_query on Query
  @refetchable(queryName: "InsightListPaginationQuery")
  @argumentDefinitions(last: { type: "Int", defaultValue: 3 }, before: { type: "String" }) {
    insights(last: $last, before: $before) @connection(key: "InsightList_insights") {
      edges { node { id topic } }
    }
  }
\`;
`,
  'App.ts': `import { graphql } from 'react-relay';
export const appQuery = graphql\`
  query AppQuery($id: ID!) {
    node(id: $id) {
      ...UserInteractions_user @alias
    }
    ...InsightList_query
  }
\`;
`,
};

const { db, server, cleanup } = useTestServer('relay');
const dir = mkdtempSync(path.join(os.tmpdir(), 'relay-app-'));
cleanup(() => rmSync(dir, { recursive: true, force: true }));
let compiled: { code: number; output: string };
let user = { id: 0, nodeId: '' };
const insightIds: number[] = [];
const interactionIds: number[] = [];

beforeAll(async () => {
  const f = factories(db.pool);
  const base = Date.parse('2026-05-01T00:00:00Z');
  for (let i = 0; i < 8; i++) insightIds.push(Number((await f.insight({ topic: `topic ${i}`, createdAt: new Date(base + i * 1000) })).id));
  const u = await f.user({ handle: 'relay-fan' });
  user = { id: Number(u.id), nodeId: Buffer.from(`CommunityUser:${u.id}`).toString('base64') };
  for (let i = 0; i < 5; i++) interactionIds.push((await f.interaction({ userId: user.id, timestamp: new Date(base + i * 1000) })).id);

  mkdirSync(path.join(dir, 'src'));
  writeFileSync(path.join(dir, 'relay.config.json'), JSON.stringify(CONFIG, null, 2));
  for (const [name, text] of Object.entries(FILES)) writeFileSync(path.join(dir, 'src', name), text);
  await buildAppSchema({ emitTo: path.join(dir, 'schema.graphql') });
  compiled = await promisify(execFile)(RELAY_COMPILER, [], { cwd: dir, env: { ...process.env, NO_COLOR: '1' } }).then(
    ({ stdout, stderr }) => ({ code: 0, output: stdout + stderr }),
    (err: { code: number; stdout: string; stderr: string }) => ({ code: err.code, output: err.stdout + err.stderr }),
  );
});

/** A generated artifact, and the operation text and refetch metadata in it. */
function artifact(name: string): { source: string; text: string } {
  const source = readFileSync(path.join(dir, 'src', '__generated__', `${name}.graphql.ts`), 'utf8');
  const text = /"text": ("(?:[^"\\]|\\.)*")/.exec(source);
  return { source, text: text ? (JSON.parse(text[1]) as string) : '' };
}

test('relay-compiler compiles the app against the emitted schema with no error', () => {
  expect(CONFIG.schemaConfig).toEqual({ nodeInterfaceIdField: 'nodeId', nodeInterfaceIdVariableName: 'nodeId' });
  expect(compiled.output).not.toMatch(/ERROR|WARN/);
  expect(compiled.code).toBe(0);
  for (const name of [
    'AppQuery',
    'UserInteractionsRefetchQuery',
    'InsightListPaginationQuery',
    'UserInteractions_user',
    'InsightList_query',
  ]) {
    expect(artifact(name).source).toContain(`"name": "${name}"`);
  }
  expect(artifact('AppQuery').text).toMatch(/^query AppQuery\(\n {2}\$id: ID!\n\) \{\n {2}node\(id: \$id\) \{/);
  // The refetch query names the variable that the runtime fills with the object's nodeId.
  const fragment = artifact('UserInteractions_user').source;
  expect(fragment).toContain('"identifierField": "nodeId"');
  expect(fragment).toContain('"identifierQueryVariableName": "nodeId"');
  expect(artifact('UserInteractionsRefetchQuery').text).toContain('node(id: $nodeId) {');
});

test('the generated refetch query pages a user’s interactions through Query.node', async () => {
  const { text } = artifact('UserInteractionsRefetchQuery');
  const newestFirst = [...interactionIds].reverse().map(String);
  const first = ok(await server.gql(text, { nodeId: user.nodeId })).node;
  expect(first).toMatchObject({ __typename: 'CommunityUser', nodeId: user.nodeId, handle: 'relay-fan' });
  expect(first.interactions.edges.map((e: any) => e.node.id)).toEqual(newestFirst.slice(0, 2));
  expect(first.interactions.pageInfo.hasNextPage).toBe(true);
  const next = ok(await server.gql(text, { nodeId: user.nodeId, count: 3, cursor: first.interactions.pageInfo.endCursor })).node;
  expect(next.interactions.edges.map((e: any) => e.node.id)).toEqual(newestFirst.slice(2));
  expect(next.interactions.pageInfo).toEqual({ hasNextPage: false, endCursor: next.interactions.edges[2].cursor });
});

test('the generated pagination query pages insights backwards (last/before), each page in the field order', async () => {
  const { text } = artifact('InsightListPaginationQuery');
  const newestFirst = [...insightIds].reverse().map(String);
  const end = ok(await server.gql(text, {})).insights;
  expect(end.edges.map((e: any) => e.node.id)).toEqual(newestFirst.slice(-3));
  expect(end.pageInfo).toEqual({ hasPreviousPage: true, startCursor: end.edges[0].cursor });
  const before = ok(await server.gql(text, { last: 5, before: end.pageInfo.startCursor })).insights;
  expect(before.edges.map((e: any) => e.node.id)).toEqual(newestFirst.slice(0, 5));
  expect(before.pageInfo.hasPreviousPage).toBe(false);
});

test('the generated app query answers the node and the list in one request', async () => {
  const data = ok(await server.gql(artifact('AppQuery').text, { id: user.nodeId }));
  expect(data.node).toMatchObject({ __typename: 'CommunityUser', nodeId: user.nodeId, handle: 'relay-fan' });
  expect(data.node.interactions.edges).toHaveLength(2);
  expect(data.insights.edges.map((e: any) => e.node.topic)).toEqual(['topic 2', 'topic 1', 'topic 0']);
});
