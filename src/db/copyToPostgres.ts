import Database from 'better-sqlite3';
import { resolve } from 'node:path';
import pg from 'pg';
import { sqliteMigrations } from './database.js';
import { redactUrl } from './postgres/connection.js';
import { migratePostgres } from './postgres/migrate.js';

/** The copy was refused before anything was copied; the message is one line, without a password. */
export class CopyRefused extends Error {}

/** The copy stopped part-way and its transaction rolled back; the message is one line. */
class CopyFailed extends Error {}

/** Tables of the SQLite file that are not copied, and why: each engine keeps its own. */
export const NOT_COPIED: Record<string, string> = {
  schema_migrations: 'each engine records its own migrations',
  agents_version: "SQLite's token for its in-process list of agents; PostgreSQL reads agents each time",
};

export interface TableCount {
  table: string;
  /** Rows in the SQLite file; null for a table only PostgreSQL has (left empty). */
  sqlite: number | null;
  postgres: number;
}

export interface CopyResult {
  /** The SQLite file, as an absolute path. */
  source: string;
  /** The PostgreSQL URL, password masked. */
  target: string;
  /** PostgreSQL migrations applied to the target before the copy. */
  migrated: string[];
  tables: TableCount[];
  notCopied: Array<{ table: string; reason: string }>;
  /** Ids of the keys the copied OTP secrets are sealed with: the instances on PostgreSQL need them. */
  sealingKeyIds: string[];
}

/** How a PostgreSQL column is filled from SQLite's values. */
type Conversion = 'boolean' | 'integer' | 'real' | 'text' | 'bytea';

const CONVERSION_OF_PG_TYPE: Record<string, Conversion> = {
  boolean: 'boolean',
  smallint: 'integer',
  integer: 'integer',
  bigint: 'integer',
  real: 'real',
  'double precision': 'real',
  numeric: 'real',
  text: 'text',
  'character varying': 'text',
  json: 'text',
  jsonb: 'text',
  bytea: 'bytea',
};

/** Which PostgreSQL kinds of column a SQLite column of a declared type may go to (its type affinity). */
function acceptsFrom(sqliteType: string): Conversion[] {
  const t = sqliteType.toUpperCase();
  if (t.includes('INT')) return ['integer', 'boolean'];
  if (t.includes('CHAR') || t.includes('CLOB') || t.includes('TEXT')) return ['text'];
  if (t === '' || t.includes('BLOB')) return ['bytea'];
  if (t.includes('REAL') || t.includes('FLOA') || t.includes('DOUB')) return ['real'];
  return ['integer', 'real'];
}

interface PgColumn {
  name: string;
  dataType: string;
  nullable: boolean;
  hasDefault: boolean;
  identity: 'ALWAYS' | 'BY DEFAULT' | null;
  generated: boolean;
}

interface TablePlan {
  table: string;
  /** Columns read from SQLite and written to PostgreSQL, in the same order. */
  columns: Array<{ name: string; conversion: Conversion }>;
  overridingSystemValue: boolean;
  identityColumns: string[];
  rowid: boolean;
}

const quote = (name: string) => `"${name.replaceAll('"', '""')}"`;

/** Rows per INSERT: well under PostgreSQL's 65,535 parameters per statement. */
const BATCH_ROWS = 500;

/**
 * Copies every table of the SQLite database `sqliteFile` into the empty PostgreSQL database `url`:
 * the target is migrated with db/postgres's migrations, then filled in one transaction (all or
 * nothing) holding its tables locked, its identity sequences moved past the copied ids, and each
 * table's rows counted on both sides before COMMIT. The source is opened read-only and read in one
 * snapshot, so a server may keep running on it. Columns come from both schemas: a SQLite column
 * PostgreSQL has no place for, or a PostgreSQL column that must be filled and SQLite does not have,
 * refuses the copy naming it. Secrets are copied sealed as they are.
 */
export async function copySqliteToPostgres(sqliteFile: string, url: string): Promise<CopyResult> {
  const source = resolve(sqliteFile);
  const target = redactUrl(url);
  let db: Database.Database;
  try {
    db = new Database(source, { readonly: true, fileMustExist: true });
  } catch (err) {
    throw new CopyRefused(`cannot open the SQLite database ${source} (HOTLINE_DB): ${firstLine(err)}`);
  }
  try {
    db.pragma('busy_timeout = 5000');
    checkSourceMigrations(db, source);
    const pool = new pg.Pool({ connectionString: url, max: 1, connectionTimeoutMillis: 10_000, application_name: 'hotline db copy' });
    // A lost idle connection is reported by the query that needed it.
    pool.on('error', () => {});
    try {
      return await copyInto(db, pool, { source, target });
    } catch (err) {
      throw err instanceof CopyRefused || err instanceof CopyFailed ? err : new Error(postgresReason(err, url, target), { cause: err });
    } finally {
      await pool.end();
    }
  } finally {
    db.close();
  }
}

async function copyInto(db: Database.Database, pool: pg.Pool, names: { source: string; target: string }): Promise<CopyResult> {
  const { target } = names;
  // Before migrating: a database holding anything is not written to, not even a migration.
  const before = await pool.connect();
  try {
    const existing = await pgTables(before);
    if (existing.length > 0) {
      if (!existing.includes('schema_migrations')) {
        throw new CopyRefused(`${target} is not empty: it holds tables hotline did not make (${existing.slice(0, 5).join(', ')}${existing.length > 5 ? ', ...' : ''}); db copy fills only an empty database; nothing was written`);
      }
      await refuseUnlessEmpty(before, existing, target);
    }
  } finally {
    before.release();
  }

  const migrated = await migratePostgres(pool);

  const client = await pool.connect();
  let broken: Error | undefined;
  try {
    await client.query('SET statement_timeout = 0');
    const plans = await plan(db, client, target);
    const pgOnly = (await pgTables(client)).filter((t) => t !== 'schema_migrations' && !plans.some((p) => p.table === t));
    const ordered = orderByForeignKeys(plans, await foreignKeys(client));
    const counts: TableCount[] = [];
    let sealingKeyIds: string[] = [];
    // One snapshot of the source for the whole copy; a server writing meanwhile is not seen half-way.
    db.exec('BEGIN');
    try {
      await client.query('BEGIN');
      try {
        await client.query("SET LOCAL lock_timeout = '10s'");
        const all = [...ordered.map((p) => p.table), ...pgOnly];
        // Nothing else writes while the copy fills them (readers still read), and emptiness is certain.
        await client.query(`LOCK TABLE ${all.map(quote).join(', ')} IN EXCLUSIVE MODE`);
        await refuseUnlessEmpty(client, all, target);
        for (const p of ordered) {
          const sqlite = await copyTable(db, client, p);
          const postgres = await countRows(client, p.table);
          if (postgres !== sqlite) throw new CopyFailed(`${p.table}: ${sqlite} row(s) read from SQLite but ${postgres} in PostgreSQL; nothing was written`);
          counts.push({ table: p.table, sqlite, postgres });
          for (const column of p.identityColumns) {
            // The next id handed out comes after the copied ones.
            await client.query(
              `SELECT setval(pg_get_serial_sequence($1, $2), COALESCE((SELECT max(${quote(column)}) FROM ${quote(p.table)}), 0) + 1, false)`,
              [quote(p.table), column],
            );
          }
        }
        for (const table of pgOnly) counts.push({ table, sqlite: null, postgres: await countRows(client, table) });
        sealingKeyIds = db.prepare('SELECT DISTINCT key_id FROM otp_secrets ORDER BY key_id').pluck().all() as string[];
        await client.query('COMMIT');
      } catch (err) {
        await client.query('ROLLBACK').catch(() => {});
        throw err;
      }
    } finally {
      db.exec('COMMIT');
    }
    const notCopied = sqliteTables(db)
      .filter((t) => Object.hasOwn(NOT_COPIED, t))
      .map((table) => ({ table, reason: NOT_COPIED[table]! }));
    return { source: names.source, target, migrated, tables: counts.sort((a, b) => a.table.localeCompare(b.table)), notCopied, sealingKeyIds };
  } catch (err) {
    broken = err instanceof CopyRefused ? undefined : (err as Error);
    throw err;
  } finally {
    client.release(broken);
  }
}

/** The SQLite file must be at this version's last migration: its columns are the ones the target expects. */
function checkSourceMigrations(db: Database.Database, source: string): void {
  let applied: string[];
  try {
    applied = db.prepare('SELECT name FROM schema_migrations').pluck().all() as string[];
  } catch (err) {
    throw new CopyRefused(`${source} (HOTLINE_DB) is not a hotline database: ${firstLine(err)}`);
  }
  const known = sqliteMigrations();
  const missing = known.filter((m) => !applied.includes(m));
  const unknown = applied.filter((m) => !known.includes(m));
  if (unknown.length > 0) {
    throw new CopyRefused(`${source} (HOTLINE_DB) has migrations this version of hotline does not know (${unknown.join(', ')}): copy it with the version that made it`);
  }
  if (missing.length > 0) {
    throw new CopyRefused(`${source} (HOTLINE_DB) lacks migration(s) ${missing.join(', ')}: start this version's server on it once (or run any hotline command), then copy`);
  }
}

function sqliteTables(db: Database.Database): string[] {
  return db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' ORDER BY name").pluck().all() as string[];
}

async function pgTables(client: pg.PoolClient): Promise<string[]> {
  const res = await client.query<{ table_name: string }>(
    "SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema() AND table_type = 'BASE TABLE' ORDER BY table_name",
  );
  return res.rows.map((r) => r.table_name);
}

async function countRows(client: pg.PoolClient, table: string): Promise<number> {
  const res = await client.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${quote(table)}`);
  return res.rows[0]!.n;
}

/** Refuses, in one line naming them, when any of `tables` (bar the migrations' own) holds a row. */
async function refuseUnlessEmpty(client: pg.PoolClient, tables: string[], target: string): Promise<void> {
  const full: string[] = [];
  for (const table of tables) {
    if (table === 'schema_migrations') continue;
    const res = await client.query(`SELECT 1 FROM ${quote(table)} LIMIT 1`);
    if (res.rowCount) full.push(table);
  }
  if (full.length > 0) {
    throw new CopyRefused(`${target} is not empty: ${full.slice(0, 5).join(', ')}${full.length > 5 ? ', ...' : ''} hold rows; db copy fills only an empty database; nothing was written`);
  }
}

/**
 * What to copy, table by table, from the two schemas as they are: every SQLite column needs a
 * PostgreSQL column of a kind its values convert to, and every PostgreSQL column SQLite cannot fill
 * needs a default. Anything else is named in the refusal: nothing is dropped silently.
 */
async function plan(db: Database.Database, client: pg.PoolClient, target: string): Promise<TablePlan[]> {
  const res = await client.query<{
    table_name: string;
    column_name: string;
    data_type: string;
    is_nullable: string;
    column_default: string | null;
    is_identity: string;
    identity_generation: string | null;
    is_generated: string;
  }>(
    `SELECT table_name, column_name, data_type, is_nullable, column_default, is_identity, identity_generation, is_generated
       FROM information_schema.columns WHERE table_schema = current_schema() ORDER BY table_name, ordinal_position`,
  );
  const pgColumns = new Map<string, PgColumn[]>();
  for (const r of res.rows) {
    const list = pgColumns.get(r.table_name) ?? [];
    list.push({
      name: r.column_name,
      dataType: r.data_type,
      nullable: r.is_nullable === 'YES',
      hasDefault: r.column_default !== null,
      identity: r.is_identity === 'YES' ? (r.identity_generation as 'ALWAYS' | 'BY DEFAULT') : null,
      generated: r.is_generated !== 'NEVER',
    });
    pgColumns.set(r.table_name, list);
  }
  const problems: string[] = [];
  const plans: TablePlan[] = [];
  for (const table of sqliteTables(db)) {
    if (Object.hasOwn(NOT_COPIED, table)) continue;
    const into = pgColumns.get(table);
    if (!into) {
      problems.push(`table ${table} has no PostgreSQL table`);
      continue;
    }
    const from = db.prepare(`SELECT name, type FROM pragma_table_xinfo(?) WHERE hidden = 0`).all(table) as Array<{ name: string; type: string }>;
    const columns: TablePlan['columns'] = [];
    for (const column of from) {
      const match = into.find((c) => c.name === column.name);
      if (!match) {
        problems.push(`${table}.${column.name} has no PostgreSQL column`);
        continue;
      }
      // A column PostgreSQL computes itself holds nothing of its own to copy.
      if (match.generated) continue;
      const conversion = CONVERSION_OF_PG_TYPE[match.dataType];
      if (!conversion || !acceptsFrom(column.type).includes(conversion)) {
        problems.push(`${table}.${column.name} is ${column.type || 'untyped'} in SQLite but ${match.dataType} in PostgreSQL`);
        continue;
      }
      columns.push({ name: column.name, conversion });
    }
    for (const column of into) {
      if (from.some((c) => c.name === column.name)) continue;
      if (!column.nullable && !column.hasDefault && !column.identity && !column.generated) {
        problems.push(`${table}.${column.name} must be filled in PostgreSQL but SQLite has no such column`);
      }
    }
    const copied = (name: string) => columns.some((c) => c.name === name);
    plans.push({
      table,
      columns,
      overridingSystemValue: into.some((c) => c.identity === 'ALWAYS' && copied(c.name)),
      identityColumns: into.filter((c) => c.identity && copied(c.name)).map((c) => c.name),
      rowid: hasRowid(db, table),
    });
  }
  if (problems.length > 0) {
    throw new CopyRefused(`cannot copy into ${target}: ${problems.join('; ')}; it was migrated and left empty`);
  }
  return plans;
}

function hasRowid(db: Database.Database, table: string): boolean {
  try {
    db.prepare(`SELECT rowid FROM ${quote(table)} LIMIT 0`);
    return true;
  } catch {
    return false;
  }
}

async function foreignKeys(client: pg.PoolClient): Promise<Array<{ child: string; parent: string }>> {
  const res = await client.query<{ child: string; parent: string }>(
    `SELECT child.relname AS child, parent.relname AS parent
       FROM pg_constraint c
       JOIN pg_class child ON child.oid = c.conrelid
       JOIN pg_class parent ON parent.oid = c.confrelid
       JOIN pg_namespace n ON n.oid = c.connamespace
      WHERE c.contype = 'f' AND n.nspname = current_schema()`,
  );
  return res.rows;
}

/** Parents before the tables that refer to them, so that every foreign key holds as rows arrive. */
function orderByForeignKeys(plans: TablePlan[], keys: Array<{ child: string; parent: string }>): TablePlan[] {
  const byName = new Map(plans.map((p) => [p.table, p]));
  const done = new Set<string>();
  const visiting = new Set<string>();
  const ordered: TablePlan[] = [];
  const visit = (table: string) => {
    if (done.has(table) || !byName.has(table)) return;
    if (visiting.has(table)) throw new CopyRefused(`cannot copy: the foreign keys of ${table} form a cycle`);
    visiting.add(table);
    for (const k of keys) if (k.child === table && k.parent !== table) visit(k.parent);
    visiting.delete(table);
    done.add(table);
    ordered.push(byName.get(table)!);
  };
  for (const p of [...plans].sort((a, b) => a.table.localeCompare(b.table))) visit(p.table);
  return ordered;
}

/** Copies one table's rows in SQLite's order (rowid), a batch per INSERT; returns how many. */
async function copyTable(db: Database.Database, client: pg.PoolClient, p: TablePlan): Promise<number> {
  if (p.columns.length === 0) return (db.prepare(`SELECT count(*) FROM ${quote(p.table)}`).pluck().get() as number);
  const names = p.columns.map((c) => quote(c.name)).join(', ');
  const select = db.prepare(`SELECT ${names} FROM ${quote(p.table)}${p.rowid ? ' ORDER BY rowid' : ''}`).raw(true).safeIntegers(true);
  const insertHead = `INSERT INTO ${quote(p.table)} (${names})${p.overridingSystemValue ? ' OVERRIDING SYSTEM VALUE' : ''} VALUES `;
  let batch: unknown[][] = [];
  let copied = 0;
  const flush = async () => {
    if (batch.length === 0) return;
    const width = p.columns.length;
    const tuples = batch.map((_, i) => `(${p.columns.map((__, j) => `$${i * width + j + 1}`).join(', ')})`);
    await client.query(insertHead + tuples.join(', '), batch.flat());
    copied += batch.length;
    batch = [];
  };
  for (const row of select.iterate() as Iterable<unknown[]>) {
    batch.push(row.map((value, j) => convert(value, p.columns[j]!.conversion, p.table, p.columns[j]!.name)));
    if (batch.length === BATCH_ROWS) await flush();
  }
  await flush();
  return copied;
}

/** One SQLite value as the PostgreSQL column takes it. */
function convert(value: unknown, conversion: Conversion, table: string, column: string): unknown {
  if (value === null) return null;
  switch (conversion) {
    case 'boolean':
      if (value === 0n || value === 1n) return value === 1n;
      throw new CopyFailed(`${table}.${column} holds ${describe(value)} where PostgreSQL has a boolean (0 or 1); nothing was written`);
    case 'integer':
      if (typeof value === 'bigint') return value.toString();
      throw new CopyFailed(`${table}.${column} holds ${describe(value)} where PostgreSQL has an integer; nothing was written`);
    case 'real':
      if (typeof value === 'bigint' || typeof value === 'number') return String(value);
      throw new CopyFailed(`${table}.${column} holds ${describe(value)} where PostgreSQL has a number; nothing was written`);
    case 'text':
      if (typeof value === 'string') return value;
      if (typeof value === 'bigint' || typeof value === 'number') return String(value);
      throw new CopyFailed(`${table}.${column} holds ${describe(value)} where PostgreSQL has text; nothing was written`);
    case 'bytea':
      if (Buffer.isBuffer(value)) return value;
      throw new CopyFailed(`${table}.${column} holds ${describe(value)} where PostgreSQL has bytea; nothing was written`);
  }
}

/** What kind of value it was, never the value (it may be a secret or a phone number). */
function describe(value: unknown): string {
  if (Buffer.isBuffer(value)) return 'a blob';
  if (typeof value === 'string') return 'text';
  return `a ${typeof value === 'bigint' ? 'whole number' : typeof value}`;
}

const firstLine = (err: unknown) => (err instanceof Error ? err.message : String(err)).split('\n')[0]!;

/** Why PostgreSQL refused or could not be reached, in one line, the URL's password masked. */
function postgresReason(err: unknown, url: string, target: string): string {
  const code = (err as { code?: unknown }).code;
  // A refused connection to every address of a name is an AggregateError with no message of its own.
  const message = firstLine(err).replaceAll(url, target) || 'no connection';
  const pgCode = typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code) ? ` (PostgreSQL error ${code})` : '';
  if (typeof code === 'string' && !pgCode) return `cannot reach PostgreSQL at ${target}: ${code} ${message}`;
  return `copy into ${target} failed${pgCode}: ${message}; nothing was written`;
}
