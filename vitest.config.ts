import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 20_000,
    hookTimeout: 30_000,
    pool: 'forks',
    // Two files at once even on two cores (vitest would take one): most suites spend their time waiting on
    // child processes, Chromium and PostgreSQL, not on the CPU.
    maxWorkers: 2,
    // One throwaway PostgreSQL server for the run (HOTLINE_TEST_DATABASE_URL), for the suites run on both engines.
    globalSetup: ['test/support/postgresGlobalSetup.ts'],
  },
});
