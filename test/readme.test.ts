/**
 * README.md is a test: its fenced blocks run in the order written, against one real server over
 * real HTTP on a fresh database that the README's own seed command fills. Shell commands run with
 * bash as written (localhost:4000 becomes the test server); GraphQL blocks are sent as queries.
 * Every answer must have no errors and data: each top-level field present, each top-level
 * connection with rows. A command that is neither run here nor in SKIPPED fails until someone decides.
 */
import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { Kind, OperationDefinitionNode, parse } from 'graphql';
import { readmeExamples } from './support/readme';
import { GqlResult, ok, TestServer } from './support/server';
import { testWith } from './support/services';
import { useTestServer } from './support/use-test-server';

jest.setTimeout(60_000);

const root = path.join(__dirname, '..');
const run = promisify(execFile);

/** Commands the README shows but this test does not run, by prefix, each with the reason. */
const SKIPPED: [prefix: string, reason: string][] = [
  ['npm install && npm start', 'the test server on a fresh database stands in for it; test/start/npm-start.test.ts runs npm start'],
  ['npm test', 'the suite this test is part of'],
  ['npm run dev', 'a watcher that never exits; test/start runs the app from its sources'],
  ['export DATABASE_URL=', "names the reader's own server for the migration commands after it"],
  ['npm run migration:', 'change the schema of the shared test server; test/migrations.test.ts runs and reverts the migrations'],
  ['npm run db:verify-indexes', 'test/migrations.test.ts runs it before and after a revert'],
  ['npm run bench', 'long; each benchmark creates and drops its own database'],
  ['npm run worker', 'a process that runs until stopped; test/agents/worker-processes.test.ts runs it (src/worker.ts) as a child'],
];

/** Block languages that are not examples to run, with the reason. */
const NOT_RUN: Record<string, string> = {
  js: "a fragment of the reader's client code (their host, key and askForKey); test/http-access.test.ts checks the 401/403 it handles",
  '': 'the layout of the repository, not code',
  json: "Relay's relay.config.json; test/frontend/relay.test.ts compiles a Relay app with it",
  text: 'what a command prints, not a command',
};

const { db, startServer } = useTestServer('readme', null);
/** The server the examples talk to: `npm start` on the fresh database, then the one with keys and origins. */
let current: TestServer;
beforeAll(async () => {
  current = await startServer();
});

/** The command as written, with the README's localhost:4000 pointing at the current server. */
async function shell(command: string, env: NodeJS.ProcessEnv = {}) {
  const text = command.replace(/(http:\/\/)?localhost:4000/g, `http://127.0.0.1:${current.port}`);
  return run('bash', ['-c', text], { cwd: root, env: { ...process.env, ...env }, maxBuffer: 16 << 20, timeout: 55_000 });
}

/** The GraphQL document a curl command sends: the query of a -d JSON body, or a --data-urlencode 'query=...'. */
function curlDocument(command: string): string {
  for (const [, quoted] of command.matchAll(/'([^']*)'/g)) {
    if (quoted.startsWith('{')) return JSON.parse(quoted).query;
    if (quoted.startsWith('query=')) return quoted.slice('query='.length);
  }
  throw new Error(`no GraphQL document found in: ${command}`);
}

/** No errors; every top-level field of the operation answered, and every top-level connection holds rows. */
function expectAnswered(body: Partial<GqlResult>, document: string): void {
  const data = ok({ status: 200, ...body });
  const operation = parse(document).definitions.find((d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION)!;
  const keys = operation.selectionSet.selections.flatMap((s) => (s.kind === Kind.FIELD ? [s.alias?.value ?? s.name.value] : []));
  expect(keys.length).toBeGreaterThan(0);
  for (const key of keys) {
    expect({ [key]: data?.[key] ?? null }).not.toEqual({ [key]: null });
    if (Array.isArray(data[key]?.nodes)) expect({ [key]: data[key].nodes.length }).not.toEqual({ [key]: 0 });
  }
}

/** `VAR=value ... npm start`: the variables it starts the server with. */
function startEnv(command: string): Record<string, string> | null {
  const m = /^((?:[A-Z][A-Z0-9_]*=\S+\s+)+)npm start\s*(#.*)?$/.exec(command);
  if (!m) return null;
  return Object.fromEntries(
    m[1]
      .trim()
      .split(/\s+/)
      .map((pair) => [pair.slice(0, pair.indexOf('=')), pair.slice(pair.indexOf('=') + 1)]),
  );
}

async function seed(command: string): Promise<void> {
  const { stderr } = await shell(command, { DATABASE_URL: db.url });
  expect(stderr).toMatch(/^anchor \S+ \(--anchor \S+ makes these rows again\)$/m);
  const { rows } = await db.pool.query(
    'SELECT (SELECT count(*) FROM published_content)::int AS content, (SELECT count(*) FROM user_interactions)::int AS i',
  );
  expect(rows[0].content).toBeGreaterThan(0);
  expect(rows[0].i).toBeGreaterThan(0);
}

async function curl(command: string): Promise<void> {
  const { stdout } = await shell(command);
  let body: any;
  try {
    body = JSON.parse(stdout);
  } catch {
    throw new Error(`not a JSON answer: ${stdout.slice(0, 500)}`);
  }
  expectAnswered(body, curlDocument(command));
}

/** Starts the server with the command's variables in place of the current one (the README stops it first). */
async function restartWith(env: Record<string, string>): Promise<void> {
  await current.stop();
  current = await startServer(env);
  // The variables took: anonymous is refused once API_KEYS is set, and each listed origin passes the preflight.
  if (env.API_KEYS) expect((await current.gql('{ insights(first: 1) { nodes { id } } }')).status).toBe(401);
  for (const origin of env.CORS_ORIGINS?.split(',') ?? []) {
    const res = await fetch(current.url, {
      method: 'OPTIONS',
      headers: { origin, 'access-control-request-method': 'POST', 'access-control-request-headers': 'authorization,content-type' },
    });
    expect({ origin, status: res.status }).toEqual({ origin, status: 204 });
  }
}

/** A test that fails: the README shows something this file has not decided about. */
const undecided = (name: string, why: string) =>
  test(name, () => {
    throw new Error(why);
  });

for (const example of readmeExamples()) {
  const title = example.text.split('\n')[0].replace(/\s*\\$/, '');
  const name = `README.md:${example.line} ${example.lang || 'text'}: ${title.slice(0, 90)}`;
  const skip = SKIPPED.find(([prefix]) => example.text.startsWith(prefix));
  const env = startEnv(example.text);
  if (example.lang === 'graphql') test(name, async () => expectAnswered(await current.gql(example.text, {}), example.text));
  else if (example.lang !== 'bash') {
    if (example.lang in NOT_RUN) test.skip(`${name} (${NOT_RUN[example.lang]})`, () => undefined);
    else undecided(name, `a new kind of block (${example.lang}): run it in test/readme.test.ts or add it to NOT_RUN`);
  } else if (example.text.startsWith('npm run seed ')) test(name, () => seed(example.text));
  // A machine with nothing but Node may lack curl: its examples skip there (services.ts), never in CI.
  else if (example.text.startsWith('curl ')) testWith('curl', name, () => curl(example.text));
  else if (env) test(name, () => restartWith(env));
  else if (skip) test.skip(`${name} (${skip[1]})`, () => undefined);
  else undecided(name, 'a new command: run it in test/readme.test.ts or add its prefix to SKIPPED with the reason');
}

test('the README has the examples this test exists for', () => {
  const examples = readmeExamples();
  expect(examples.filter((e) => e.text.startsWith('npm run seed ')).length).toBe(1);
  expect(examples.filter((e) => e.text.startsWith('curl ')).length).toBeGreaterThanOrEqual(4);
  expect(examples.some((e) => e.lang === 'graphql' && e.text.includes('tier: CHAMPION'))).toBe(true);
});
