/**
 * As root, with the checkout in a private (0700) folder such as /root/app: PostgreSQL must run as
 * the `postgres` user, which can reach neither the binaries in node_modules nor DATA_DIR. The app
 * starts anyway, from a copy of the binaries and with the data under /var/lib/creator-analytics,
 * says so in its log, and finds the same data on the next start.
 *
 * The checkout is put in the folder as links (dist, src, node_modules, ...) and node keeps the linked
 * paths (--preserve-symlinks), so every path the app sees is inside the private folder, as in a
 * real clone there. Root only: skipped otherwise.
 */
import fs from 'node:fs';
import path from 'node:path';
import { isRoot, SHARED_ROOT } from '../../src/db/embedded-root';
import { freePort } from '../support/net';
import { cleanUp, firstAnswer, gql, launch, processesOf, root, tempDir } from './helpers';

jest.setTimeout(180_000);

const priv = tempDir('creator-private-', 0o700);
const app = path.join(priv, 'app');
const dataDir = path.join(app, '.data');
const hadSharedRoot = fs.existsSync(SHARED_ROOT);
const copies = hadSharedRoot ? fs.readdirSync(SHARED_ROOT) : [];

afterAll(() => {
  const linked = fs.lstatSync(path.join(dataDir, 'pg'), { throwIfNoEntry: false })?.isSymbolicLink();
  cleanUp(priv);
  if (linked === undefined || !fs.existsSync(SHARED_ROOT)) return;
  // What this test made there: its data folder, and the binaries' copy unless an earlier start made it.
  for (const name of fs.readdirSync(SHARED_ROOT)) {
    if (!copies.includes(name)) fs.rmSync(path.join(SHARED_ROOT, name), { recursive: true, force: true });
  }
  if (!hadSharedRoot) fs.rmdirSync(SHARED_ROOT);
});

(isRoot() ? test : test.skip)(
  'root, checkout in a 0700 folder: starts, answers, stops, keeps its data; a deleted DATA_DIR starts afresh',
  async () => {
    fs.mkdirSync(app);
    for (const entry of ['dist', 'src', 'migrations', 'node_modules', 'package.json', 'tsconfig.json', 'ormconfig.ts']) {
      fs.symlinkSync(path.join(root, entry), path.join(app, entry));
    }
    const port = await freePort();
    const env = { PORT: String(port), DATA_DIR: dataDir, EMBEDDED_PG_PORT: String(await freePort()) };
    const start = () => launch('node', env, app, ['--preserve-symlinks', '--preserve-symlinks-main']);

    const first = start();
    await firstAnswer(first, port, '{ insights(first: 1) { totalCount } }', 120_000);
    const log = first.output();
    expect(log).toContain(`PostgreSQL runs from a copy in ${SHARED_ROOT}/postgresql-`);
    const place = fs.readlinkSync(path.join(dataDir, 'pg'));
    expect(place).toMatch(new RegExp(`^${SHARED_ROOT}/data-[0-9a-f]{12}/pg$`));
    expect(log).toContain(`the postgres user cannot reach ${dataDir} (a parent folder is private): its database lives in ${place}`);
    expect((await gql(port, 'mutation { createInsight(input: { topic: "private" }) { id } }')).data.createInsight.id).toBeDefined();
    first.proc.kill('SIGTERM');
    expect(await first.exited).toEqual({ code: 0, signal: null });
    expect(processesOf(priv)).toEqual([]);

    const second = start();
    const answer = await firstAnswer(second, port, '{ insights(first: 5) { nodes { topic } } }', 120_000);
    expect(answer.data.insights.nodes).toEqual([{ topic: 'private' }]);
    expect(fs.readlinkSync(path.join(dataDir, 'pg'))).toBe(place);
    second.proc.kill('SIGTERM');
    expect(await second.exited).toEqual({ code: 0, signal: null });
    expect(processesOf(priv)).toEqual([]);

    // Deleting DATA_DIR deletes the data, as it does where no link is needed.
    fs.rmSync(dataDir, { recursive: true });
    const third = start();
    expect((await firstAnswer(third, port, '{ insights(first: 1) { totalCount } }', 120_000)).data.insights.totalCount).toBe(0);
    expect(third.output()).toContain(`removing ${path.dirname(place)}, the database of a deleted ${dataDir}`);
    third.proc.kill('SIGTERM');
    expect(await third.exited).toEqual({ code: 0, signal: null });
  },
);
