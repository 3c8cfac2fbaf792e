/**
 * `npm run test:ops`: the slow operations tests (a database of a million rows and more), kept out of
 * `npm test`; CI runs both (.ci/run).
 */
const base = require('./jest.config');

/** @type {import('jest').Config} */
module.exports = { ...base, roots: ['<rootDir>/test/ops'], testPathIgnorePatterns: [], testTimeout: 600000, maxWorkers: 1 };
