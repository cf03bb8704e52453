/** Unit, bot, devops, store and e2e tests. Browser tests have their own config. */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  testPathIgnorePatterns: ['/test/browser/'],
  transform: { '^.+\\.ts$': ['ts-jest', { tsconfig: 'tsconfig.json' }] },
  // restify without spdy, as src/http/load-restify.ts loads it (jest has its own module registry).
  moduleNameMapper: { '^spdy$': '<rootDir>/src/http/no-spdy.ts' },
  testTimeout: 30000,
  // Both cores of a 2-core CI machine. Suites that start child processes and time real
  // start-ups (test/startup, test/replicas, test/e2e/shutdown) have margins for a busy sibling.
  maxWorkers: 2,
};
