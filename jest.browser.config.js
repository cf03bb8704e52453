/** Browser tests: Agents Playground and card rendering in Debian's Chromium. */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test/browser'],
  testMatch: ['**/*.test.ts'],
  transform: { '^.+\\.ts$': ['ts-jest', { tsconfig: 'tsconfig.json' }] },
  // restify without spdy, as src/http/load-restify.ts loads it (jest has its own module registry).
  moduleNameMapper: { '^spdy$': '<rootDir>/src/http/no-spdy.ts' },
  testTimeout: 120000,
  maxWorkers: 1,
};
