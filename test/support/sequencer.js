/**
 * The order of the test files (jest.config.js testSequencer): the longest first, so that the three
 * workers finish together instead of one running a long file alone at the end. Jest's own sequencer
 * orders by the durations of the last run in its cache; a checkout that has none (a fresh clone, CI)
 * would order by file size, which says little here (the start-up tests are short files that spawn
 * `npm start` and take the longest). For a file without a cached duration this takes the one in
 * durations.json (seconds of a full run on 2 cores; refresh it with
 * `npx jest --json --outputFile=/tmp/t.json && node test/support/sequencer.js /tmp/t.json`).
 * Files in neither (new ones) run first, as jest does.
 */
const fs = require('node:fs');
const path = require('node:path');
const Sequencer = require('@jest/test-sequencer').default;

const DURATIONS = path.join(__dirname, 'durations.json');
const ROOT = path.join(__dirname, '..', '..');

class LongestFirst extends Sequencer {
  constructor(options) {
    super(options);
    this.known = fs.existsSync(DURATIONS) ? JSON.parse(fs.readFileSync(DURATIONS, 'utf8')) : {};
  }

  time(test) {
    const cached = super.time(test);
    if (cached != null) return cached;
    const seconds = this.known[path.relative(ROOT, test.path).split(path.sep).join('/')];
    return seconds == null ? undefined : seconds * 1000;
  }
}

module.exports = LongestFirst;

// node test/support/sequencer.js RESULTS.json: writes durations.json from a jest --json run.
if (require.main === module) {
  const results = JSON.parse(fs.readFileSync(process.argv[2], 'utf8'));
  const durations = Object.fromEntries(
    results.testResults
      .map((r) => [path.relative(ROOT, r.name).split(path.sep).join('/'), Math.round((r.endTime - r.startTime) / 100) / 10])
      .sort((a, b) => b[1] - a[1]),
  );
  fs.writeFileSync(DURATIONS, `${JSON.stringify(durations, null, 2)}\n`);
  console.log(`${DURATIONS}: ${Object.keys(durations).length} files`);
}
