import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type pg from 'pg';

const migrationsDir = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', 'db', 'postgres');

/** Longest this side waits for any one migration statement (the advisory lock's wait included). */
const MIGRATION_READ_TIMEOUT_MS = 10 * 60_000;

/** The advisory lock key migrations take: 'hotline' in ASCII, so other users of the database do not collide. */
export const MIGRATION_LOCK_KEY = 0x686f746c696e65;

/**
 * Applies the numbered migrations of db/postgres that have not run yet, each in its own transaction, in
 * file-name order, holding a session advisory lock: instances starting together wait for the first one
 * and then find nothing left to do. Returns the files applied.
 */
export async function migratePostgres(pool: pg.Pool): Promise<string[]> {
  const client = await pool.connect();
  let broken: Error | undefined;
  // The server going away while the client is out of the pool fails the statement in progress; the
  // client's 'error' event, unheard, would end the process instead of start-up's one line.
  const onError = (err: Error) => {
    broken ??= err;
  };
  client.on('error', onError);
  // Migrations, and the wait for another instance's, may take far longer than one request's timeouts:
  // the server's (statement_timeout, set to 0 below) and this side's (query_timeout, per query here).
  const run = <R extends pg.QueryResultRow>(text: string, values?: unknown[]) =>
    client.query<R>({ text, ...(values && { values }), query_timeout: MIGRATION_READ_TIMEOUT_MS } as pg.QueryConfig);
  try {
    await run('SET statement_timeout = 0');
    await run('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK_KEY]);
    try {
      await run(`CREATE TABLE IF NOT EXISTS schema_migrations (
        name TEXT PRIMARY KEY,
        applied_at BIGINT NOT NULL
      )`);
      const applied = new Set((await run<{ name: string }>('SELECT name FROM schema_migrations')).rows.map((r) => r.name));
      const files = readdirSync(migrationsDir)
        .filter((f) => /^\d{3}_.+\.sql$/.test(f))
        .sort();
      const ran: string[] = [];
      for (const file of files) {
        if (applied.has(file)) continue;
        const sql = readFileSync(join(migrationsDir, file), 'utf8');
        await run('BEGIN');
        try {
          await run(sql);
          await run('INSERT INTO schema_migrations (name, applied_at) VALUES ($1, $2)', [file, Date.now()]);
          await run('COMMIT');
        } catch (err) {
          await run('ROLLBACK');
          throw new Error(`migration ${file} failed: ${(err as Error).message}`, { cause: err });
        }
        ran.push(file);
      }
      return ran;
    } finally {
      await run('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK_KEY]);
      await run('RESET statement_timeout');
    }
  } catch (err) {
    broken = err as Error;
    throw err;
  } finally {
    client.removeListener('error', onError);
    client.release(broken);
  }
}
