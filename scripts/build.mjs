/**
 * npm run build: `tsc -p tsconfig.build.json` into dist/ (incremental), then remove the outputs of
 * deleted sources, copy the non-TypeScript files under src/ (the dashboard's page, script and style) to the
 * same place under dist/src/, and stamp the build. With --if-stale (npm start's prestart, npm install's
 * prepare, the pre-scripts of `npm run seed`, `db:backup` and `db:restore`, which run dist/scripts/) it
 * builds only when something under the inputs changed since the stamp, so a start on an unchanged
 * checkout compiles nothing. Plain JavaScript: it runs before anything is compiled.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import process from 'node:process';

const root = path.join(import.meta.dirname, '..');
const dist = path.join(root, 'dist');
const stamp = path.join(dist, '.build-stamp');
const INPUTS = [
  'src',
  'migrations',
  'ormconfig.ts',
  'scripts/seed.ts',
  'scripts/seed',
  'scripts/backup.ts',
  'tsconfig.json',
  'tsconfig.build.json',
];
/** Output folders whose files all come from a source of the same name: src/a.ts -> dist/src/a.js. */
const OUTPUTS = ['src', 'migrations', 'scripts'];

/** Newest mtime under p; folders count too, since deleting or renaming a file changes its folder's. */
function newest(p) {
  const st = fs.statSync(p, { throwIfNoEntry: false });
  if (!st) return 0;
  if (!st.isDirectory()) return st.mtimeMs;
  return fs.readdirSync(p).reduce((max, name) => Math.max(max, newest(path.join(p, name))), st.mtimeMs);
}

function stale() {
  const built = fs.statSync(stamp, { throwIfNoEntry: false });
  if (!built || !fs.existsSync(path.join(dist, 'src', 'main.js'))) return 'no build yet';
  const changed = INPUTS.find((p) => newest(path.join(root, p)) > built.mtimeMs);
  return changed ? `${changed} changed` : null;
}

/** dist/x.js (and its map) whose x.ts is gone, or a copied file whose source is gone: a deleted migration must not run from dist. */
function prune(dir, srcDir) {
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const out = path.join(dir, entry.name);
    if (entry.isDirectory()) {
      prune(out, path.join(srcDir, entry.name));
      if (fs.readdirSync(out).length === 0) fs.rmdirSync(out);
    } else if (
      !fs.existsSync(path.join(srcDir, entry.name.replace(/\.js(\.map)?$/, '.ts'))) &&
      !fs.existsSync(path.join(srcDir, entry.name))
    ) {
      fs.rmSync(out);
    }
  }
}

/** Files under src/ that tsc does not emit (assets served as they are, e.g. src/http/dashboard/): copied next to the compiled code. */
function copyAssets(srcDir, outDir) {
  for (const entry of fs.readdirSync(srcDir, { withFileTypes: true })) {
    const from = path.join(srcDir, entry.name);
    if (entry.isDirectory()) copyAssets(from, path.join(outDir, entry.name));
    else if (!entry.name.endsWith('.ts')) {
      fs.mkdirSync(outDir, { recursive: true });
      fs.copyFileSync(from, path.join(outDir, entry.name));
    }
  }
}

function build(reason) {
  const started = new Date();
  // Outputs deleted by hand would be taken as up to date by tsc's incremental state: start over.
  if (!fs.existsSync(path.join(dist, 'src', 'main.js'))) fs.rmSync(dist, { recursive: true, force: true });
  process.stderr.write(`building dist/ (${reason}): tsc -p tsconfig.build.json\n`);
  const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
  const result = spawnSync(process.execPath, [tsc, '-p', 'tsconfig.build.json'], { cwd: root, stdio: 'inherit' });
  if (result.status !== 0) {
    process.stderr.write('the build failed (see above): fix the error, then start again\n');
    process.exit(result.status ?? 1);
  }
  for (const dir of OUTPUTS) if (fs.existsSync(path.join(dist, dir))) prune(path.join(dist, dir), path.join(root, dir));
  copyAssets(path.join(root, 'src'), path.join(dist, 'src'));
  fs.writeFileSync(stamp, '');
  // The stamp takes the build's start time: a file saved during the build is newer, so it builds again next time.
  fs.utimesSync(stamp, started, started);
  process.stderr.write(`built in ${((Date.now() - started.getTime()) / 1000).toFixed(1)} s\n`);
}

if (process.argv.includes('--if-stale')) {
  const reason = stale();
  if (reason) build(reason);
} else {
  build('npm run build');
}
