/**
 * A fresh database for one test file, cloned from the migrated template (global-setup.ts): a spare
 * clone made in the background (startSpareClones) renamed, else one cloned now. Its name,
 * URL and pool exist at once (the pool connects on first use); create() makes the database and
 * close() ends the pool and waits until each of its connections is closed. The database itself is
 * dropped at the end of the run, with every other one of the run (global-teardown.ts): a DROP
 * DATABASE makes PostgreSQL write a checkpoint of everything, 1-3 s that a file would wait for
 * (README.md "Tests"). Only databases of this run are ever dropped: their names start with
 * `runDatabasePrefix()`.
 */
import { Client, Pool } from 'pg';
import { withDatabase } from '../../src/db/url';

export interface TestDb {
  url: string;
  name: string;
  /** The test's own connections, for fixtures and checks behind the API's back. */
  pool: Pool;
}

/** The start of the name of every database the files of this run clone (TEST_RUN: set by global setup). */
export const runDatabasePrefix = (run = process.env.TEST_RUN!): string => `creator_t_${run}_`;

export function testDb(label: string): TestDb & { create(): Promise<void>; close(): Promise<void> } {
  const adminUrl = process.env.TEST_ADMIN_URL!;
  const template = process.env.TEST_TEMPLATE_DB!;
  const name = `${runDatabasePrefix()}${label.replace(/\W/g, '_').slice(0, 20)}_${Math.random().toString(36).slice(2, 8)}`;
  const url = withDatabase(adminUrl, name);
  const pool = new Pool({ connectionString: url, max: 4 });
  return {
    url,
    name,
    pool,
    async create() {
      if (await claimSpare(adminUrl, name)) return;
      for (let attempt = 0; ; attempt++) {
        try {
          return await clone(adminUrl, name, template);
        } catch (err) {
          // Two clones at the same instant (a file's and the spares'): "source database is being accessed by other users".
          if (attempt >= 20 || (err as { code?: string }).code !== '55006') throw err;
          await new Promise((r) => setTimeout(r, 100 + Math.random() * 200));
        }
      }
    },
    close: () => endPool(pool),
  };
}

/**
 * A new database from the template, whose commits do not wait for their WAL to reach the disk
 * (synchronous_commit off, a setting of that database: ALTER DATABASE, kept by a rename), as on the
 * throwaway embedded PostgreSQL of a run without one (src/db/embedded.ts): the files commit often, and
 * a crash of the machine loses nothing they need. One connection, or a new one to the server.
 */
async function clone(admin: Client | string, name: string, template: string): Promise<void> {
  const c = typeof admin === 'string' ? new Client({ connectionString: admin }) : admin;
  if (c !== admin) await c.connect();
  try {
    await c.query(`CREATE DATABASE "${name}" TEMPLATE "${template}"`);
    await c.query(`ALTER DATABASE "${name}" SET synchronous_commit = off`);
  } finally {
    if (c !== admin) await c.end();
  }
}

/** The names of the spare clones (startSpareClones): the run's prefix, then `_spare_`. */
const sparePrefix = (run = process.env.TEST_RUN!): string => `${runDatabasePrefix(run)}_spare_`;

/**
 * Takes a spare clone of the template under `name` (a rename: no copy, no checkpoint); false when
 * none is ready. Two files may race for the same spare: the loser's rename finds it gone, or in use
 * by the winner, and tries the next.
 */
async function claimSpare(adminUrl: string, name: string): Promise<boolean> {
  const c = new Client({ connectionString: adminUrl });
  await c.connect();
  try {
    const { rows } = await c.query<{ datname: string }>(
      'SELECT datname FROM pg_database WHERE left(datname, length($1)) = $1 ORDER BY oid',
      [sparePrefix()],
    );
    for (const { datname } of rows) {
      try {
        await c.query(`ALTER DATABASE "${datname}" RENAME TO "${name}"`);
        return true;
      } catch (err) {
        // 3D000: renamed by another file meanwhile; 55006: that file is already connected to it.
        if (!['3D000', '55006'].includes((err as { code?: string }).code!)) throw err;
      }
    }
    return false;
  } finally {
    await c.end();
  }
}

/**
 * Global setup: keeps `spares` clones of the template ready while the run lasts, made one after
 * another in the background of jest's own process, so that a file takes one by renaming it
 * (claimSpare) instead of waiting for its CREATE DATABASE ... TEMPLATE (0.3-1.5 s under load). A
 * file that finds none clones for itself, as before. stop() (global teardown) waits for the clone in
 * progress; the spares left are dropped with the run's other databases.
 */
export function startSpareClones(adminUrl: string, template: string, run: string, spares: number): { stop(): Promise<void> } {
  let stopped = false;
  let wake = () => undefined as void;
  const loop = (async () => {
    const c = new Client({ connectionString: adminUrl });
    c.on('error', () => undefined);
    await c.connect();
    try {
      for (let n = 0; !stopped;) {
        const { rows } = await c.query<{ n: number }>('SELECT count(*)::int AS n FROM pg_database WHERE left(datname, length($1)) = $1', [
          sparePrefix(run),
        ]);
        if (rows[0].n < spares) {
          try {
            await clone(c, `${sparePrefix(run)}${n}`, template);
            n++;
            continue;
          } catch (err) {
            if ((err as { code?: string }).code !== '55006') throw err; // a file cloning for itself: again soon
          }
        }
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, 100);
          wake = () => {
            clearTimeout(timer);
            resolve();
          };
        });
      }
    } finally {
      await c.end();
    }
  })();
  // A failure here costs time, not correctness (files clone for themselves): it is reported at the end.
  const ended = loop.then(
    () => null,
    (err: unknown) => err,
  );
  return {
    async stop() {
      stopped = true;
      wake();
      const err = await ended;
      if (err) process.stderr.write(`the spare test databases stopped early: ${(err as Error).message}\n`);
    },
  };
}

/**
 * pool.end() resolves once the pool has let go of its clients, before their connections have
 * closed; the DROP ... WITH (FORCE) of the run's end would terminate one still there mid-goodbye
 * (57P01, an 'error' on the pool). This waits for every connection to be closed.
 */
async function endPool(pool: Pool): Promise<void> {
  let open = pool.totalCount;
  const closed = new Promise<void>((resolve) => {
    if (open === 0) resolve();
    pool.on('remove', () => --open === 0 && resolve());
  });
  await pool.end();
  await closed;
}
