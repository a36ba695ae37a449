/** @type {import('jest').Config} */
module.exports = {
  ...require('../../jest.preset.cjs'),
  displayName: 'connectors',
  rootDir: __dirname,
  // One real Kafka broker for the whole suite, started and stopped here; one test file at a
  // time, because one of them restarts it.
  globalSetup: '<rootDir>/test/support/global-setup.ts',
  globalTeardown: '<rootDir>/test/support/global-teardown.ts',
  maxWorkers: 1,
};
