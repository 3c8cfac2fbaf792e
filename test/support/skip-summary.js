/**
 * A jest reporter (jest.config.js): at the end of the run, what the tests ran against (global-setup.ts:
 * PostgreSQL at DATABASE_URL or an embedded one; services.ts: Redis, Chromium, curl) and every test
 * skipped, grouped by the missing service (its reason is in each skipped test's name), with the
 * files and how to run them too. Tests skipped on purpose (test.skip with a reason) are counted apart.
 */
const path = require('node:path');

const SKIPPED = new Set(['pending', 'skipped', 'todo', 'disabled']);
const count = (n, what) => `${n} ${what}${n === 1 ? '' : 's'}`;

class SkipSummary {
  constructor(globalConfig) {
    this.rootDir = globalConfig.rootDir;
  }

  onRunComplete(_contexts, results) {
    const services = process.env.TEST_SERVICES ? JSON.parse(process.env.TEST_SERVICES) : null;
    if (!services) return; // global setup did not get that far: its error says why
    const missing = Object.values(services).filter((s) => 'missing' in s);
    const groups = new Map(missing.map((s) => [s.missing, { ...s, tests: 0, files: new Set() }]));
    let onPurpose = 0;
    for (const file of results.testResults) {
      for (const t of file.testResults) {
        if (!SKIPPED.has(t.status)) continue;
        const group = [...groups.values()].find((g) => t.fullName.includes(`(skipped: ${g.missing})`));
        if (!group) {
          onPurpose++;
          continue;
        }
        group.tests++;
        group.files.add(path.relative(this.rootDir, file.testFilePath));
      }
    }
    const lines = ['', 'Ran on:', `  ${process.env.TEST_POSTGRES}`];
    for (const s of Object.values(services)) lines.push(`  ${s.label}: ${'missing' in s ? `missing (${s.missing})` : s.at}`);
    const skipped = [...groups.values()].filter((g) => g.tests > 0);
    if (skipped.length === 0) lines.push('Skipped for a missing service: none');
    else
      lines.push(
        `Skipped for a missing service: ${count(
          skipped.reduce((n, g) => n + g.tests, 0),
          'test',
        )}`,
      );
    for (const g of skipped) {
      lines.push(`  ${g.missing}: ${count(g.tests, 'test')} in ${count(g.files.size, 'file')} (to run them: ${g.fix})`);
      for (const f of [...g.files].sort()) lines.push(`    ${f}`);
    }
    if (onPurpose) lines.push(`Skipped on purpose: ${count(onPurpose, 'test')} (each one's name says why)`);
    process.stderr.write(`${lines.join('\n')}\n`);
  }
}

module.exports = SkipSummary;
