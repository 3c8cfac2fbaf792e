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
  maxWorkers: 2,
};
