/**
 * PostgreSQL refuses to run as root, so as root the embedded server runs as the `postgres` user
 * (created when missing). That user must reach its binaries and its data, and a checkout in a
 * private folder (/root/app, mode 0700) hides both. Then the binaries run from a copy, and the data
 * lives, under /var/lib/creator-analytics, which that user can reach. DATA_DIR/pg becomes a link to
 * the data's place: the same DATA_DIR finds the same data on every start, and a deleted DATA_DIR
 * starts afresh, as anywhere else.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { StartupError } from '../startup-error';

export interface RunAs {
  uid: number;
  gid: number;
}

export const isRoot = (): boolean => typeof process.getuid === 'function' && process.getuid() === 0;

/** Where the data and binaries go when the postgres user cannot reach the checkout. */
export const SHARED_ROOT = '/var/lib/creator-analytics';

const message = (err: unknown) => (err instanceof Error ? err.message : String(err));

export function postgresUser(log: (m: string) => void): RunAs {
  const found = lookupUser();
  if (found) return found;
  log('creating the system user postgres, which runs the embedded PostgreSQL (PostgreSQL refuses to run as root)');
  try {
    execFileSync('useradd', ['--system', '--user-group', '--no-create-home', 'postgres'], { stdio: 'pipe' });
  } catch (err) {
    throw new StartupError(
      `as root, the embedded PostgreSQL runs as the user postgres, which is missing and could not be created (${message(err).trim()}):` +
        ' create it (useradd --system postgres), or set DATABASE_URL',
    );
  }
  return lookupUser()!;
}

function lookupUser(): RunAs | null {
  try {
    const id = (flag: string) => Number(execFileSync('id', [flag, 'postgres'], { stdio: ['ignore', 'pipe', 'ignore'] }).toString());
    return { uid: id('-u'), gid: id('-g') };
  } catch {
    return null;
  }
}

/** `test <args>` run as that user: true when the path is reachable with the permission asked. */
const canReach = (runAs: RunAs, ...args: string[]): boolean => spawnSync('test', args, { ...runAs, stdio: 'ignore' }).status === 0;

/** The binary folder and the database folder (the path PostgreSQL is given) for this data folder. */
export function placeForPostgres(dataDir: string, bin: string, runAs: RunAs | null, log: (m: string) => void) {
  fs.mkdirSync(dataDir, { recursive: true });
  if (!runAs) return { bin, databaseDir: path.join(dataDir, 'pg') };
  fs.chmodSync(dataDir, 0o755);
  return { bin: reachableBinaries(bin, runAs, log), databaseDir: reachableData(dataDir, runAs, log) };
}

function reachableData(dataDir: string, runAs: RunAs, log: (m: string) => void): string {
  const own = path.join(dataDir, 'pg');
  const entry = fs.lstatSync(own, { throwIfNoEntry: false });
  const linked = entry?.isSymbolicLink() ? fs.readlinkSync(own) : null;
  if (linked && fs.existsSync(linked)) {
    log(`the postgres user cannot reach ${dataDir}: its database lives in ${linked} (linked from ${own})`);
    return linked;
  }
  if (canReach(runAs, '-x', dataDir)) {
    if (linked) fs.unlinkSync(own); // its target is gone: start afresh here
    return own;
  }
  if (linked) fs.unlinkSync(own);
  else if (entry && fs.existsSync(path.join(own, 'PG_VERSION'))) {
    throw new StartupError(
      `${own} holds a database that the postgres user cannot reach (a parent folder is private):` +
        ' let it through (chmod o+x on the parent folders), or set DATA_DIR to a folder outside them',
    );
  } else if (entry) fs.rmSync(own, { recursive: true, force: true }); // a half-made folder
  const place = path.join(sharedRoot(runAs), `data-${createHash('sha256').update(path.resolve(dataDir)).digest('hex').slice(0, 12)}`);
  if (fs.existsSync(place)) {
    // Its link was deleted with the earlier DATA_DIR of this path: that data goes too.
    log(`removing ${place}, the database of a deleted ${dataDir}`);
    fs.rmSync(place, { recursive: true, force: true });
  }
  fs.mkdirSync(place, { mode: 0o755 });
  const target = path.join(place, 'pg');
  fs.symlinkSync(target, own);
  log(`the postgres user cannot reach ${dataDir} (a parent folder is private): its database lives in ${target} (linked from ${own})`);
  return target;
}

/** bin itself, or a copy of its package's native folder that the postgres user can run. */
function reachableBinaries(bin: string, runAs: RunAs, log: (m: string) => void): string {
  if (canReach(runAs, '-x', path.join(bin, 'postgres'))) return bin;
  const native = path.dirname(bin);
  const { version } = JSON.parse(fs.readFileSync(path.join(native, '..', 'package.json'), 'utf8')) as { version: string };
  const copy = path.join(sharedRoot(runAs), `postgresql-${version}-${process.platform}-${process.arch}`);
  if (!fs.existsSync(path.join(copy, '.complete'))) {
    const tmp = `${copy}.tmp-${process.pid}`;
    fs.rmSync(tmp, { recursive: true, force: true });
    fs.cpSync(native, tmp, { recursive: true, verbatimSymlinks: true });
    execFileSync('chmod', ['-R', 'a+rX', tmp]);
    fs.writeFileSync(path.join(tmp, '.complete'), '');
    fs.rmSync(copy, { recursive: true, force: true }); // an incomplete copy
    try {
      fs.renameSync(tmp, copy);
    } catch (err) {
      fs.rmSync(tmp, { recursive: true, force: true });
      if (!fs.existsSync(path.join(copy, '.complete'))) throw err; // else another start made it first
    }
  }
  log(`the postgres user cannot reach ${bin} (a parent folder is private): PostgreSQL runs from a copy in ${copy}`);
  return path.join(copy, 'bin');
}

/** SHARED_ROOT, made if needed; only root may write there, since the files in it run as postgres. */
function sharedRoot(runAs: RunAs): string {
  fs.mkdirSync(SHARED_ROOT, { recursive: true, mode: 0o755 });
  const st = fs.statSync(SHARED_ROOT);
  if (st.uid !== 0 || (st.mode & 0o022) !== 0 || !canReach(runAs, '-x', SHARED_ROOT)) {
    throw new StartupError(
      `${SHARED_ROOT} must belong to root, be writable by root only and searchable by the user postgres` +
        ' (chown root: and chmod 755 it), or set DATA_DIR to a folder that user can reach',
    );
  }
  return SHARED_ROOT;
}
