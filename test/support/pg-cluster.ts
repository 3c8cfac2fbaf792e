/**
 * A PostgreSQL 15 primary and a streaming replica of it, made for one test file and removed after
 * (the read-replica tests, test/replicas.test.ts): initdb into a temporary folder, its own pg_hba
 * (trust, replication included, 127.0.0.1 only), started with pg_ctl on a free port; then
 * `pg_basebackup -R` of it into another folder (the standby's settings written by -R), started on
 * another free port. The shared server at 127.0.0.1:5432 is not used: its pg_hba has no
 * `replication` line, and a test does not edit the machine's configuration.
 *
 * PostgreSQL refuses to run as root: as root, every binary runs as the `postgres` user (the uid/gid
 * of src/db/embedded-root.ts's postgresUser). Needs the 'pgserver' service (services.ts).
 *
 *   const cluster = await startCluster(async (primaryUrl) => { ... });  // cluster.primaryUrl('db'), cluster.replicaUrl('db')
 *   await cluster.stopReplica();                // pg_ctl stop -m immediate: a replica that dies
 *   await cluster.remove();                     // both stopped, both folders deleted
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { isRoot, postgresUser, RunAs } from '../../src/db/embedded-root';
import { freePort } from './net';
import { pgServerBin } from './services';

export interface Cluster {
  primaryPort: number;
  replicaPort: number;
  primaryUrl(database: string): string;
  replicaUrl(database: string): string;
  /** Stops the replica at once, as a crash would (pg_ctl stop -m immediate). */
  stopReplica(): Promise<void>;
  /** Stops both servers and deletes their folders; safe to call twice. */
  remove(): Promise<void>;
}

/** Settings of the primary (the replica inherits them through pg_basebackup): a test's throwaway cluster. */
export const TEST_SETTINGS = [
  "listen_addresses = '127.0.0.1'",
  'shared_buffers = 32MB',
  'max_wal_senders = 4',
  'wal_level = replica',
  'hot_standby = on',
  // The replica's queries see pg_stat_statements (reads land there, checked by the statement's text).
  "shared_preload_libraries = 'pg_stat_statements'",
  // Throwaway data: nothing needs to reach the disk. synchronous_commit stays on (a COMMIT returns
  // once its WAL is written, which read-your-writes relies on: docs/operations.md).
  'fsync = off',
  'full_page_writes = off',
  "lc_messages = 'C'",
];

/**
 * `onPrimary` runs as soon as the primary answers, alongside the base backup and the replica's
 * start (making a database and migrating it there saves their time); the replica streams whatever
 * it wrote. Resolves when both servers answer and onPrimary is done. `settings`: the primary's
 * postgresql.conf lines (the scale benchmark, scripts/bench/scale.ts, passes durable ones); they
 * must allow replication (wal_level replica, wal senders).
 */
export async function startCluster(
  onPrimary: (primaryUrl: (database: string) => string) => Promise<void> = async () => undefined,
  settings: string[] = TEST_SETTINGS,
): Promise<Cluster> {
  const bin = pgServerBin();
  if (!bin) throw new Error('no PostgreSQL 15 server binaries (the pgserver service): guard the test with describeWith');
  const runAs = isRoot() ? postgresUser(() => undefined) : null;
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'creator-replica-'));
  fs.chmodSync(root, 0o755);
  if (runAs) fs.chownSync(root, runAs.uid, runAs.gid);
  const primaryDir = path.join(root, 'primary');
  const replicaDir = path.join(root, 'replica');
  const [primaryPort, replicaPort] = [await freePort(), await freePort()];
  const url = (port: number) => (database: string) => `postgresql://postgres@127.0.0.1:${port}/${database}`;
  const tool = (name: string, args: string[]) => run(path.join(bin, name), args, runAs, root);
  const started: string[] = [];
  let removed = false;
  const stop = async (dir: string, mode: 'immediate') => {
    if (!started.includes(dir)) return;
    started.splice(started.indexOf(dir), 1);
    await tool('pg_ctl', ['stop', '-D', dir, '-m', mode, '-w']).catch(() => undefined);
  };
  const remove = async () => {
    if (removed) return;
    removed = true;
    // Throwaway data: no shutdown checkpoint, both at once.
    await Promise.all([stop(replicaDir, 'immediate'), stop(primaryDir, 'immediate')]);
    fs.rmSync(root, { recursive: true, force: true });
  };
  const startServer = async (dir: string, port: number) => {
    started.push(dir);
    // -k: its Unix socket in the cluster's own folder, never /var/run/postgresql (the machine's server's).
    await tool('pg_ctl', ['start', '-D', dir, '-w', '-t', '60', '-l', `${dir}.log`, '-o', `-p ${port} -k ${root}`]);
  };
  try {
    await tool('initdb', ['-D', primaryDir, '-U', 'postgres', '--auth=trust', '--no-sync', '--encoding=UTF8', '--locale=C']);
    fs.appendFileSync(path.join(primaryDir, 'postgresql.conf'), `\n${settings.join('\n')}\n`);
    fs.writeFileSync(
      path.join(primaryDir, 'pg_hba.conf'),
      ['local all all trust', 'host all all 127.0.0.1/32 trust', 'host replication all 127.0.0.1/32 trust', ''].join('\n'),
    );
    await startServer(primaryDir, primaryPort);
    const replicaUp = (async () => {
      // -R writes standby.signal and primary_conninfo; -c fast: no wait for the next checkpoint; -N: no fsync (throwaway).
      await tool('pg_basebackup', [
        '-h',
        '127.0.0.1',
        '-p',
        String(primaryPort),
        '-U',
        'postgres',
        '-D',
        replicaDir,
        '-R',
        '-X',
        'stream',
        '-c',
        'fast',
        '-N',
        '--no-manifest',
      ]);
      await startServer(replicaDir, replicaPort);
    })();
    const prepared = onPrimary(url(primaryPort));
    // Both settle before either's failure is reported: nothing keeps running after remove().
    const [replica, primary] = await Promise.allSettled([replicaUp, prepared]);
    for (const r of [replica, primary]) if (r.status === 'rejected') throw r.reason;
  } catch (err) {
    const logs = [primaryDir, replicaDir].map((d) => `${d}.log`).filter((f) => fs.existsSync(f));
    const tail = logs.map((f) => fs.readFileSync(f, 'utf8').split('\n').slice(-5).join('\n')).join('\n');
    await remove();
    throw new Error(`${(err as Error).message}${tail ? `\n${tail}` : ''}`, { cause: err });
  }
  return {
    primaryPort,
    replicaPort,
    primaryUrl: url(primaryPort),
    replicaUrl: url(replicaPort),
    stopReplica: () => stop(replicaDir, 'immediate'),
    remove,
  };
}

/** Runs a binary to its end (as `postgres` when this process is root); rejects with its output's last lines. */
function run(file: string, args: string[], runAs: RunAs | null, cwd: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(file, args, { ...runAs, cwd, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, LC_ALL: 'C' } });
    let out = '';
    const keep = (c: Buffer) => (out = (out + c.toString('utf8')).slice(-2000));
    child.stdout!.on('data', keep);
    child.stderr!.on('data', keep);
    child.once('error', reject);
    child.once('exit', (code, signal) => {
      if (code === 0) resolve();
      else
        reject(new Error(`${path.basename(file)} ${args[0]} failed (${code ?? signal}): ${out.trim().split('\n').slice(-3).join(' | ')}`));
    });
  });
}
