import Database from 'better-sqlite3';
import { mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The SQLite handle; only repository modules under src/db import this type. */
export type SqliteDb = Database.Database;

const migrationsDir = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'db', 'migrations');

/**
 * Opens the database with the settings every commit relies on: WAL, synchronous=FULL (a lost
 * commit could re-open a used code or drop a callback), a busy timeout, foreign keys; then applies
 * the numbered migrations in db/migrations that have not run yet.
 */
export function openDatabase(file: string, options: { busyTimeoutMs?: number } = {}): SqliteDb {
  if (file !== ':memory:') mkdirSync(dirname(file), { recursive: true });
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = FULL');
  db.pragma(`busy_timeout = ${Math.max(0, Math.trunc(options.busyTimeoutMs ?? 5000))}`);
  db.pragma('foreign_keys = ON');
  migrate(db);
  return db;
}

/**
 * Closes the database after copying the write-ahead log into the main file, so a backup or a copy of
 * the file alone after shutdown holds every commit. Safe to call twice.
 */
export function closeDatabase(db: SqliteDb): void {
  if (!db.open) return;
  try {
    db.pragma('wal_checkpoint(TRUNCATE)');
  } finally {
    db.close();
  }
}

/** Whether the database answers a read of a real table; the reason when it does not (for /readyz). */
export function checkDatabase(db: SqliteDb): { ok: true } | { ok: false; reason: string } {
  try {
    if (!db.open) return { ok: false, reason: 'database connection is closed' };
    db.prepare('SELECT count(*) FROM schema_migrations').pluck().get();
    return { ok: true };
  } catch (err) {
    const code = (err as { code?: unknown }).code;
    return { ok: false, reason: typeof code === 'string' ? code : 'database query failed' };
  }
}

/** Applies pending migrations, each in its own transaction, in file-name order. */
export function migrate(db: SqliteDb): string[] {
  db.exec(`CREATE TABLE IF NOT EXISTS schema_migrations (
    name TEXT PRIMARY KEY,
    applied_at INTEGER NOT NULL
  ) STRICT`);
  const applied = new Set(
    (db.prepare('SELECT name FROM schema_migrations').all() as { name: string }[]).map((r) => r.name),
  );
  const files = readdirSync(migrationsDir)
    .filter((f) => /^\d{3}_.+\.sql$/.test(f))
    .sort();
  const ran: string[] = [];
  for (const file of files) {
    if (applied.has(file)) continue;
    const sql = readFileSync(join(migrationsDir, file), 'utf8');
    db.transaction(() => {
      db.exec(sql);
      db.prepare('INSERT INTO schema_migrations (name, applied_at) VALUES (?, ?)').run(file, Date.now());
    }).immediate();
    ran.push(file);
  }
  return ran;
}
