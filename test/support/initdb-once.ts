/**
 * One embedded PostgreSQL data folder initialised (initdb) once per run, copied into the DATA_DIR of
 * the start tests whose subject is not the first start (a taken port, the seed): initdb costs 2-5 s
 * of a file under load, and these files ran three of them. The first start itself, initdb included,
 * stays under test where it is the subject (test/start/npm-start.test.ts, root-private.test.ts).
 *
 * The first file to ask makes it (src/db/embedded.ts: initdb, one start, a clean stop); files asking
 * meanwhile, in other workers, wait for it. Global teardown removes it (initdbOnceDir).
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startEmbeddedPostgres } from '../../src/db/embedded';
import { freePort } from './net';
import { until } from './wait';

/** The run's initialised data folder (TEST_RUN: set by global setup). */
export const initdbOnceDir = (run = process.env.TEST_RUN!): string => path.join(os.tmpdir(), `creator-initdb-${run}`);

/**
 * Makes `dataDir` (which must not exist) a DATA_DIR whose embedded PostgreSQL is initialised and
 * stopped, as a start after the first finds it: its next start runs no initdb.
 */
export async function initialisedDataDir(dataDir: string): Promise<void> {
  const shared = initdbOnceDir();
  const claim = `${shared}.claim`;
  const ready = path.join(claim, 'ready');
  const failed = path.join(claim, 'failed');
  let mine = true;
  try {
    fs.mkdirSync(claim); // atomic: one file of the run makes the folder
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    mine = false;
  }
  if (mine) {
    try {
      // Throwaway: initdb --no-sync; the copies are started without it, as a user's server is.
      const db = await startEmbeddedPostgres({ dataDir: shared, port: await freePort(), database: 'postgres', throwaway: true });
      await db.stop();
      fs.writeFileSync(ready, '');
    } catch (err) {
      fs.writeFileSync(failed, String(err));
      throw err;
    }
  } else {
    await until('the run’s initialised data folder', () => fs.existsSync(ready) || fs.existsSync(failed), 180_000);
    if (fs.existsSync(failed)) throw new Error(`the run's initdb failed: ${fs.readFileSync(failed, 'utf8')}`);
  }
  fs.mkdirSync(path.dirname(dataDir), { recursive: true });
  execFileSync('cp', ['-a', shared, dataDir]); // owners and modes kept (as root the data belongs to postgres)
}

/** Global teardown: the run's folder, if a file made one. */
export function removeInitdbOnce(run: string): void {
  for (const p of [initdbOnceDir(run), `${initdbOnceDir(run)}.claim`]) fs.rmSync(p, { recursive: true, force: true });
}
