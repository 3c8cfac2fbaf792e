/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  // The slow operations tests: `npm run test:ops` (jest.ops.config.js).
  testPathIgnorePatterns: ['/node_modules/', '<rootDir>/test/ops/'],
  transform: { '^.+\\.ts$': 'ts-jest' },
  globalSetup: '<rootDir>/test/support/global-setup.ts',
  globalTeardown: '<rootDir>/test/support/global-teardown.ts',
  // After jest's own: what the run used and what it skipped for a missing service, and why.
  reporters: ['default', '<rootDir>/test/support/skip-summary.js'],
  testTimeout: 60000,
  // Three files at a time on a 2-core machine: most of a file's time is spent waiting on PostgreSQL, child
  // processes and Chromium, not on its own CPU (measured on 2 cores: 2 workers 279 s, 3 workers 259 s; four
  // were no faster, 335 s against 334 s at load 6-7, BENCHMARKS.md "Test suite"). Global setup keeps as
  // many spare database clones ready (test/support/test-db.ts).
  maxWorkers: 3,
  // The longest files first, so that the workers finish together: the durations of the last run (jest's
  // cache), else those in test/support/durations.json (a fresh clone, CI).
  testSequencer: '<rootDir>/test/support/sequencer.js',
};
