import { describe, it } from 'vitest';

/**
 * The URL of the test run's PostgreSQL server (test/support/postgresGlobalSetup.ts), or undefined when it
 * is not installed outside CI: then `describePostgres` shows the suites as skipped, never as passed.
 */
export const testDatabaseUrl = process.env.HOTLINE_TEST_DATABASE_URL;

/** Runs `suite` when the test run has PostgreSQL; otherwise one skipped test says why. */
export function describePostgres(name: string, suite: (url: string) => void): void {
  if (testDatabaseUrl) {
    suite(testDatabaseUrl);
    return;
  }
  if (process.env.CI) throw new Error('CI is set but the test run has no PostgreSQL (HOTLINE_TEST_DATABASE_URL)');
  describe(name, () => {
    it.skip('needs PostgreSQL: apt-get install postgresql (see npm run postgres)', () => {});
  });
}
