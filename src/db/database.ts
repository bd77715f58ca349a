import Database from 'better-sqlite3';
import { closeSync, fchmodSync, mkdirSync, openSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The SQLite handle; only repository modules under src/db import this type. */
export type SqliteDb = Database.Database;

const migrationsDir = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'db', 'migrations');

/** Read and write for the owner only: the files hold sealed secrets, phone numbers and the audit. */
export const PRIVATE_FILE_MODE = 0o600;

/**
 * Creates `file` empty with mode 0600, failing if it exists (EEXIST). Created by open(2) with that mode
 * (the umask can only take bits away, never add them) and then set on the open descriptor, so the
 * file is never readable by others, not even for an instant, and a umask that took the owner's write
 * bit does not stick. SQLite gives the -wal, -shm and -journal files it makes beside a database the
 * database's own mode, so they follow.
 */
export function createPrivateFile(file: string): void {
  const fd = openSync(file, 'wx', PRIVATE_FILE_MODE);
  try {
    fchmodSync(fd, PRIVATE_FILE_MODE);
  } finally {
    closeSync(fd);
  }
}

/**
 * Opens the database with the settings every commit relies on: WAL, synchronous=FULL (a lost
 * commit could re-open a used code or drop a callback), a busy timeout, foreign keys; then applies
 * the numbered migrations in db/migrations that have not run yet. A new file is created 0600.
 */
export function openDatabase(file: string, options: { busyTimeoutMs?: number } = {}): SqliteDb {
  if (file !== ':memory:' && file !== '') {
    mkdirSync(dirname(file), { recursive: true });
    // Before SQLite opens it: SQLite would create it 0644 less the umask. An existing file keeps its mode.
    try {
      createPrivateFile(file);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
  }
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

/** The names of the migrations in db/migrations, in the order they apply. */
export function sqliteMigrations(): string[] {
  return readdirSync(migrationsDir)
    .filter((f) => /^\d{3}_.+\.sql$/.test(f))
    .sort();
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
  const files = sqliteMigrations();
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
