import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { afterAll, describe, it } from 'vitest';

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
/**
 * A pool of the test's own. A connection it ended just before a DROP DATABASE ... WITH (FORCE) (or a
 * server stopped by the test) may still hear the server terminate it (57P01): heard here, not thrown as
 * an uncaught 'error' of the pool; the query that needed the connection reports any real failure.
 */
export function testPool(connectionString: string): pg.Pool {
  const pool = new pg.Pool({ connectionString, max: 1 });
  pool.on('error', () => undefined);
  return pool;
}

export type Engine = 'sqlite' | 'postgres';

/**
 * Runs `suite` once per engine: on SQLite, and on PostgreSQL when the test run has it (otherwise one
 * skipped test says why, and under CI the run fails). The suite starts its servers with
 * `startHarness({ engine })`.
 */
export function describeEngines(name: string, suite: (engine: Engine) => void): void {
  describe(`${name} (SQLite)`, () => suite('sqlite'));
  describePostgres(`${name} (PostgreSQL)`, () => describe(`${name} (PostgreSQL)`, () => suite('postgres')));
  // After the file's (or the enclosing suite's) last test: its other suites reuse the databases until then.
  afterAll(dropSpareDatabases);
}

/** `url` with another database name. */
function withDatabase(url: string, database: string): string {
  const u = new URL(url);
  u.pathname = `/${database}`;
  return u.toString();
}

/** A database of the test run's server for one harness. */
export interface TestDatabase {
  url: string;
  /** Removes it, closing any connection still open to it. */
  drop(): Promise<void>;
  /**
   * Hands it back for the next test of this file: closes any connection still open to it and empties it
   * (every table but schema_migrations truncated, identities restarted), as fresh as a new database and
   * much faster to get than creating and migrating one. Falls back to `drop()` if it cannot be emptied.
   */
  release(): Promise<void>;
}

/** Emptied databases of this test file, ready for the next test (see `release()`). */
const spare: Array<{ name: string; url: string }> = [];

async function onServer<T>(url: string, work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

/**
 * An empty database on the test run's PostgreSQL server: a new one (the server's start-up migrates it, as
 * a production instance would), or one an earlier test of this file released, already migrated and emptied.
 */
export async function createTestDatabase(): Promise<TestDatabase> {
  if (!testDatabaseUrl) throw new Error('this test run has no PostgreSQL (HOTLINE_TEST_DATABASE_URL); see npm run postgres');
  const serverUrl = testDatabaseUrl;
  let db = spare.pop();
  if (!db) {
    const name = `hotline_${process.pid}_${randomBytes(4).toString('hex')}`;
    await onServer(serverUrl, (admin) => admin.query(`CREATE DATABASE ${name}`));
    db = { name, url: withDatabase(serverUrl, name) };
  }
  const { name, url } = db;
  const drop = () => onServer(serverUrl, (admin) => admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`)).then(() => undefined);
  return {
    url,
    drop,
    async release() {
      try {
        await onServer(url, async (client) => {
          const tables = await client.query<{ name: string }>(
            `SELECT quote_ident(tablename) AS name FROM pg_tables WHERE schemaname = 'public' AND tablename != 'schema_migrations'`,
          );
          await client.query('SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()');
          if (tables.rows.length > 0) await client.query(`TRUNCATE ${tables.rows.map((t) => t.name).join(', ')} RESTART IDENTITY CASCADE`);
        });
      } catch {
        await drop();
        return;
      }
      spare.push({ name, url });
    },
  };
}

/** Drops the databases this file's tests released and nobody took again. */
export async function dropSpareDatabases(): Promise<void> {
  if (!testDatabaseUrl) return;
  const serverUrl = testDatabaseUrl;
  for (let db = spare.pop(); db; db = spare.pop()) {
    const { name } = db;
    await onServer(serverUrl, (admin) => admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`));
  }
}
