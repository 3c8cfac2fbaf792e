/**
 * One PostgreSQL for the whole run: the server DATABASE_URL names (unset: the usual local one,
 * postgresql://postgres@127.0.0.1:5432/postgres) when it answers, else an embedded PostgreSQL 15
 * (src/db/embedded.ts) that this setup starts on a free port in a temporary folder and global
 * teardown stops. The real migrations run once into a template database; each test file clones it
 * (CREATE DATABASE ... TEMPLATE, a few made ahead in the background: test-db.ts), so files never
 * share rows; global teardown drops them all. The other services are probed once here
 * (services.ts); skip-summary.js reports at the end what ran on what, and what was skipped.
 * dist/ is built first when a source changed (child-server.ts runs it).
 */
import 'reflect-metadata';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Client } from 'pg';
import { createDataSource } from '../../src/db/data-source';
import { startEmbeddedPostgres } from '../../src/db/embedded';
import { installJobQueue } from '../../src/db/job-queue';
import { withDatabase } from '../../src/db/url';
import { freePort } from './net';
import { probeServices } from './services';
import { startSpareClones } from './test-db';

declare global {
  var __TEST_EMBEDDED__: { stop(): Promise<void> } | undefined;
  var __TEST_SPARES__: { stop(): Promise<void> } | undefined;
}

const LOCAL_POSTGRES = 'postgresql://postgres@127.0.0.1:5432/postgres';

/** Errors of a connection that found no server (as opposed to a server that refused it). */
const NO_SERVER = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH', 'ETIMEDOUT', 'ECONNRESET']);

/** The URL without its password, for messages. */
const shown = (url: string): string => {
  const u = new URL(url);
  if (u.password) u.password = '***';
  return u.toString();
};

/**
 * null when a PostgreSQL answers at the URL; why not when nothing does. A server that answers and
 * refuses (a wrong password, a missing database) fails the run when DATABASE_URL named it (it needs
 * fixing); the usual local one, tried because DATABASE_URL is unset, is passed over instead.
 */
async function noServerAt(url: string, named: boolean): Promise<string | null> {
  const client = new Client({ connectionString: url, connectionTimeoutMillis: 5000 });
  client.on('error', () => undefined);
  try {
    await client.connect();
    await client.query('SELECT 1');
    return null;
  } catch (err) {
    const code = (err as { code?: string }).code;
    if ((code && NO_SERVER.has(code)) || /timeout/i.test((err as Error).message)) return code ?? 'timeout';
    if (!named) return (err as Error).message;
    throw new Error(`the PostgreSQL at ${shown(url)} refused the tests: ${(err as Error).message} (fix DATABASE_URL, or unset it)`, {
      cause: err,
    });
  } finally {
    await client.end().catch(() => undefined);
  }
}

export default async function globalSetup(globalConfig: { maxWorkers: number }): Promise<void> {
  // The child-process servers (child-server.ts) run dist/, as `npm start` does: compiled now if a source changed.
  const build = spawnSync(process.execPath, ['scripts/build.mjs', '--if-stale'], {
    cwd: path.join(__dirname, '..', '..'),
    stdio: 'inherit',
  });
  if (build.status !== 0) throw new Error('npm run build failed (see above): the child-process tests run dist/');
  const wanted = process.env.DATABASE_URL || LOCAL_POSTGRES;
  const why = await noServerAt(wanted, Boolean(process.env.DATABASE_URL));
  let adminUrl = wanted;
  let postgres = `PostgreSQL at ${shown(wanted)}`;
  if (why) {
    if (process.env.CI) throw new Error(`CI needs the PostgreSQL at ${shown(wanted)} (${why}; .ci/run starts it)`);
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'creator-test-pg-'));
    const embedded = await startEmbeddedPostgres({ dataDir: dir, port: await freePort(), database: 'postgres', throwaway: true });
    globalThis.__TEST_EMBEDDED__ = {
      async stop() {
        await embedded.stop();
        fs.rmSync(dir, { recursive: true, force: true });
      },
    };
    adminUrl = embedded.url;
    postgres = `embedded PostgreSQL 15 on 127.0.0.1:${embedded.port}, data in ${dir} (no PostgreSQL answered at ${shown(wanted)}: ${why})`;
  }
  // Probed while the migrations run.
  const services = probeServices();

  // The run's name: in its template's and in every file's database's (test-db.ts), which teardown drops.
  const run = `${process.pid}_${Date.now().toString(36)}`;
  const template = `creator_tpl_${run}`;
  const admin = new Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE "${template}"`);
  await admin.end();

  const ds = createDataSource({ url: withDatabase(adminUrl, template), applicationName: 'test-template' });
  ds.setOptions({ logging: ['error'] });
  await ds.initialize();
  await ds.runMigrations({ transaction: 'each' });
  await ds.destroy();
  await installJobQueue(withDatabase(adminUrl, template));
  // Clones ready before the files ask (test-db.ts): one per file running at a time.
  globalThis.__TEST_SPARES__ = startSpareClones(adminUrl, template, run, globalConfig.maxWorkers);

  const found = await services;
  const missing = Object.values(found).flatMap((s) => ('missing' in s ? [`${s.missing} (${s.fix})`] : []));
  if (missing.length && process.env.CI) throw new Error(`CI runs every test: ${missing.join('; ')}`);
  process.env.TEST_SERVICES = JSON.stringify(found);
  process.env.TEST_POSTGRES = postgres;
  process.env.TEST_ADMIN_URL = adminUrl;
  process.env.TEST_TEMPLATE_DB = template;
  process.env.TEST_RUN = run;
}
