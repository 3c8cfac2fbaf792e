/**
 * A generated typed client: graphql-codegen's client preset (test/clients/typed/codegen.ts) turns
 * the documents of typed/operations.graphql into TypedDocumentNodes from the committed
 * schema.graphql, into a temporary folder. tsc then type-checks a frontend-like use of them with urql
 * (typed/usage.ts) and refuses the wrong variables of typed/wrong-variables.ts, so the typing is
 * real; finally the typed use runs against the real server over real HTTP and the data is checked.
 */
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { factories } from '../support/factories';
import { useTestServer } from '../support/use-test-server';

const root = path.join(__dirname, '..', '..');
const fixtures = path.join(__dirname, 'typed');
const run = promisify(execFile);
const { db, server } = useTestServer('clients_codegen', { QUERY_STATS: '0' });

let dir: string;
let contentIds: string[];

beforeAll(async () => {
  // The generated client and the uses of it live in a temporary folder that resolves packages from ours.
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'clients-codegen-'));
  fs.symlinkSync(path.join(root, 'node_modules'), path.join(dir, 'node_modules'), 'dir');
  for (const file of ['usage.ts', 'wrong-variables.ts']) fs.copyFileSync(path.join(fixtures, file), path.join(dir, file));
  // What `npx graphql-codegen --config test/clients/typed/codegen.ts` runs, writing into the temporary folder.
  await run(process.execPath, [path.join(root, 'node_modules', '.bin', 'graphql-codegen'), '--config', path.join(fixtures, 'codegen.ts')], {
    cwd: root,
    env: { ...process.env, CODEGEN_OUT: `${path.join(dir, 'gql')}/` },
  });

  const f = factories(db.pool);
  const plan = await f.plan({ title: 'typed plan', format: 'short_video' });
  const base = Date.parse('2026-04-01T08:00:00Z');
  contentIds = [];
  for (let i = 0; i < 5; i++) {
    const row = await f.content({
      contentPlanId: plan.id,
      platform: 'tiktok',
      publishedAt: new Date(base - i * 60_000),
      views: 10 * (i + 1),
    });
    contentIds.push(String(row.id));
  }
  await f.content({ contentPlanId: plan.id, platform: 'youtube', publishedAt: new Date(base), views: 1 });
}, 120_000); // codegen and tsc each take seconds of CPU, more on a busy machine

afterAll(() => {
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

test('codegen generates typed documents from the committed schema; tsc accepts the typed use and refuses wrong variables', async () => {
  const generated = fs.readFileSync(path.join(dir, 'gql', 'graphql.ts'), 'utf8');
  expect(generated).toContain('export const ContentsPageDocument = ');
  expect(generated).toMatch(/as unknown as DocumentNode<ContentsPageQuery, ContentsPageQueryVariables>/);

  // One tsc run over both files: none of its errors may be in usage.ts (whose @ts-expect-error must be
  // needed), and wrong-variables.ts must have exactly one on each line marked WRONG.
  const tsc = [require.resolve('typescript/bin/tsc'), '--noEmit', '--strict', '--target', 'ES2022', '--module', 'commonjs'];
  const checked = await run(process.execPath, [...tsc, '--moduleResolution', 'node', '--skipLibCheck', 'usage.ts', 'wrong-variables.ts'], {
    cwd: dir,
  }).then(
    () => ({ code: 0, stdout: '' }),
    (err: { code: number; stdout: string }) => ({ code: err.code, stdout: err.stdout }),
  );
  expect(checked.code).toBe(2);
  const errors = checked.stdout.split('\n').filter((l) => / error TS\d+:/.test(l));
  const wrongLines = fs
    .readFileSync(path.join(dir, 'wrong-variables.ts'), 'utf8')
    .split('\n')
    .flatMap((line, i) => (line.includes('// WRONG') ? [i + 1] : []));
  expect(wrongLines).toHaveLength(3);
  expect(errors).toEqual([
    expect.stringMatching(
      new RegExp(`^wrong-variables\\.ts\\(${wrongLines[0]},\\d+\\): error TS2322: Type 'string' is not assignable to type 'number'`),
    ),
    expect.stringMatching(
      new RegExp(`^wrong-variables\\.ts\\(${wrongLines[1]},\\d+\\): error TS2322: Type '"MYSPACE"' is not assignable to type 'Platform`),
    ),
    expect.stringMatching(
      new RegExp(`^wrong-variables\\.ts\\(${wrongLines[2]},\\d+\\): error TS2322: Type 'string' is not assignable to type 'number'`),
    ),
  ]);
}, 120_000);

test('the typed use runs against the server and answers the data', async () => {
  // ts-jest compiles the copy in the temporary folder as it compiles the tests; it imports ./gql from there.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const usage = require(path.join(dir, 'usage.ts')) as { run(url: string, platform: string): Promise<any> };
  const { pages, updated } = await usage.run(server.url, 'TIKTOK');

  expect(pages.map((p: any) => p.edges.map((e: any) => e.node.id))).toEqual([contentIds.slice(0, 2), contentIds.slice(2, 4)]);
  expect(pages[0]).toMatchObject({ totalCount: 5, pageInfo: { hasNextPage: true, endCursor: pages[0].edges[1].cursor } });
  expect(pages[1].pageInfo.hasNextPage).toBe(true);
  expect(pages[0].edges[0].node).toEqual({
    __typename: 'PublishedContent',
    id: contentIds[0],
    platform: 'TIKTOK',
    views: 10,
    publishedAt: '2026-04-01T08:00:00.000Z',
    contentPlan: { __typename: 'ContentPlan', title: 'typed plan', format: 'SHORT_VIDEO' },
  });
  expect(updated).toEqual({ __typename: 'PublishedContent', id: contentIds[0], views: 11 });
  expect((await db.pool.query('SELECT views FROM published_content WHERE id = $1', [contentIds[0]])).rows[0].views).toBe(11);
});
