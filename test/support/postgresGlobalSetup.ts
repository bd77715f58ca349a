/*
 * One throwaway PostgreSQL cluster for the whole test run (vitest globalSetup), its URL handed to the
 * test files in HOTLINE_TEST_DATABASE_URL; a URL given already is used as it is. Without PostgreSQL the
 * PostgreSQL suites say they are skipped, unless CI is set: then the run fails.
 */
import { startPostgres } from '../../scripts/postgres.mjs';

export default async function setup(): Promise<(() => void) | undefined> {
  if (process.env.HOTLINE_TEST_DATABASE_URL) return undefined;
  try {
    const cluster = await startPostgres({ durable: false, maxConnections: 400 });
    process.env.HOTLINE_TEST_DATABASE_URL = cluster.url;
    return () => cluster.stop();
  } catch (err) {
    if (process.env.CI) throw new Error(`CI needs PostgreSQL for its suites: ${(err as Error).message}`, { cause: err });
    console.warn(`\nPostgreSQL suites SKIPPED: ${(err as Error).message}\n`);
    return undefined;
  }
}
