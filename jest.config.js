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
  // Both cores of a 2-core CI machine (unit + store + bot + notifications: 71 s -> 37 s). Timing-
  // sensitive on a loaded machine: test/security/fuzz (5,000 requests per 60 s test) failed at
  // load 12 with a busy sibling worker and passed alone; test/startup, test/replicas and the
  // outage e2e tests time real child processes and outbox retries.
  maxWorkers: 2,
};
