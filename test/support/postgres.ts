import { randomBytes } from 'node:crypto';
import pg from 'pg';
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

/** A storage engine the service runs on. */
export type Engine = 'sqlite' | 'postgres';

/**
 * Runs `suite` once per engine: on SQLite, and on PostgreSQL when the test run has it (otherwise one
 * skipped test says why, and under CI the run fails). The suite starts its servers with
 * `startHarness({ engine })`.
 */
export function describeEngines(name: string, suite: (engine: Engine) => void): void {
  describe(`${name} (SQLite)`, () => suite('sqlite'));
  describePostgres(`${name} (PostgreSQL)`, () => describe(`${name} (PostgreSQL)`, () => suite('postgres')));
}

/** `url` with another database name. */
function withDatabase(url: string, database: string): string {
  const u = new URL(url);
  u.pathname = `/${database}`;
  return u.toString();
}

/**
 * A new, empty database on the test run's PostgreSQL server (the server's start-up migrates it, as a
 * production instance would); `drop()` removes it, closing any connection still open to it.
 */
export async function createTestDatabase(): Promise<{ url: string; drop(): Promise<void> }> {
  if (!testDatabaseUrl) throw new Error('this test run has no PostgreSQL (HOTLINE_TEST_DATABASE_URL); see npm run postgres');
  const serverUrl = testDatabaseUrl;
  const name = `hotline_${process.pid}_${randomBytes(4).toString('hex')}`;
  const admin = new pg.Client({ connectionString: serverUrl });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE ${name}`);
  } finally {
    await admin.end();
  }
  return {
    url: withDatabase(serverUrl, name),
    async drop() {
      const client = new pg.Client({ connectionString: serverUrl });
      await client.connect();
      try {
        await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      } finally {
        await client.end();
      }
    },
  };
}
