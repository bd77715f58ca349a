// The two engines' migrations describe one schema: the same tables with the same columns, so a column
// added to one engine's migrations and forgotten in the other's fails here, not in production.
import { join } from 'node:path';
import { rmSync } from 'node:fs';
import { beforeAll, expect, it } from 'vitest';
import { closeDatabase, openDatabase } from '../../src/db/database.js';
import { migratePostgres } from '../../src/db/postgres/migrate.js';
import { tempDir } from '../support/harness.js';
import { createTestDatabase, describePostgres, testPool } from '../support/postgres.js';

type Schema = Map<string, string[]>;

/**
 * What one engine keeps for itself, each for a reason: SQLite's cache token for the agents read on
 * every step (a trigger-kept counter, db/migrations/008), and PostgreSQL's insertion order for
 * escalations, which SQLite reads from its rowid.
 */
const SQLITE_ONLY = { tables: ['agents_version'], columns: {} as Record<string, string[]> };
const POSTGRES_ONLY = { tables: [] as string[], columns: { callback_escalations: ['seq'] } as Record<string, string[]> };

/** The schema without what `only` says the engine keeps for itself. */
function shared(schema: Schema, only: { tables: string[]; columns: Record<string, string[]> }): Schema {
  return new Map(
    [...schema.entries()]
      .filter(([table]) => !only.tables.includes(table))
      .map(([table, columns]) => [table, columns.filter((c) => !(only.columns[table] ?? []).includes(c))]),
  );
}

function sqliteSchema(): Schema {
  const dir = tempDir();
  const db = openDatabase(join(dir, 'schema.sqlite'));
  try {
    const tables = db.prepare(`SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'`).pluck().all() as string[];
    return new Map(tables.map((t) => [t, (db.prepare(`PRAGMA table_info(${t})`).all() as Array<{ name: string }>).map((c) => c.name).sort()]));
  } finally {
    closeDatabase(db);
    rmSync(dir, { recursive: true, force: true });
  }
}

async function postgresSchema(): Promise<Schema> {
  const database = await createTestDatabase();
  const pool = testPool(database.url);
  try {
    await migratePostgres(pool);
    const { rows } = await pool.query<{ table_name: string; column_name: string }>(
      `SELECT table_name, column_name FROM information_schema.columns WHERE table_schema = 'public'`,
    );
    const schema: Schema = new Map();
    for (const r of rows) schema.set(r.table_name, [...(schema.get(r.table_name) ?? []), r.column_name]);
    for (const columns of schema.values()) columns.sort();
    return schema;
  } finally {
    await pool.end();
    await database.drop();
  }
}

const sorted = (schema: Schema) => Object.fromEntries([...schema.entries()].sort(([a], [b]) => a.localeCompare(b)));

describePostgres('the schema on both engines', () => {
  let sqlite: Schema;
  let postgres: Schema;
  beforeAll(async () => {
    sqlite = sqliteSchema();
    postgres = await postgresSchema();
  });

  it('has the same tables, each with the same columns, after every migration of each engine', () => {
    expect(sqlite.size).toBeGreaterThan(10);
    expect(sorted(shared(postgres, POSTGRES_ONLY))).toEqual(sorted(shared(sqlite, SQLITE_ONLY)));
  });

  it('keeps apart only what each engine is said to keep for itself', () => {
    for (const table of SQLITE_ONLY.tables) expect([sqlite.has(table), postgres.has(table)]).toEqual([true, false]);
    for (const [table, columns] of Object.entries(POSTGRES_ONLY.columns)) {
      for (const column of columns) expect([postgres.get(table)?.includes(column), sqlite.get(table)?.includes(column)]).toEqual([true, false]);
    }
  });
});
