import { randomBytes } from 'node:crypto';
import type pg from 'pg';
import { migratePostgres } from '../../../src/db/postgres/migrate.js';
import { createPostgresStore } from '../../../src/db/postgres/store.js';
import type { Store } from '../../../src/domain/storage/index.js';
import { testPool } from '../../support/postgres.js';
import type { StoreSettings, StoreSubject } from '../subject.js';

/** `url` with another database name. */
export function databaseUrl(url: string, database: string): string {
  const u = new URL(url);
  u.pathname = `/${database}`;
  return u.toString();
}

// Generous for a loaded test machine; the service's own default is much shorter.
const TEST_TIMEOUTS = { statementTimeoutMs: 10_000, acquireTimeoutMs: 10_000 };

/**
 * The PostgreSQL store (createPostgresStore) on a database of its own for this subject, created and
 * migrated with the real migrations at the first open(); each test starts on it emptied (every table but
 * schema_migrations truncated, identities restarted), which is as fresh as a new database and much faster
 * to make. Other stores on the same database have pools of their own, as other instances would.
 */
export function postgresSubject(serverUrl: string): StoreSubject {
  const admin = testPool(serverUrl);
  const database = `hotline_${process.pid}_${randomBytes(3).toString('hex')}`;
  const url = databaseUrl(serverUrl, database);
  let owner: pg.Pool | undefined;
  let truncate: string | undefined;
  let current: { settings: StoreSettings; stores: Store[] } | undefined;

  const storeOn = (settings: StoreSettings) => createPostgresStore(url, { ...settings, ...TEST_TIMEOUTS, poolSize: 5 });
  const empty = async () => {
    if (!owner) {
      await admin.query(`CREATE DATABASE ${database}`);
      owner = testPool(url);
      await migratePostgres(owner);
      const tables = await owner.query<{ name: string }>(
        `SELECT quote_ident(tablename) AS name FROM pg_tables WHERE schemaname = 'public' AND tablename != 'schema_migrations'`,
      );
      truncate = `TRUNCATE ${tables.rows.map((t) => t.name).join(', ')} RESTART IDENTITY CASCADE`;
      return;
    }
    await owner.query(truncate!);
  };

  return {
    async open(settings) {
      await empty();
      const store = await storeOn(settings);
      current = { settings, stores: [store] };
      return store;
    },
    async openAnother() {
      if (!current) throw new Error('openAnother() before open()');
      const store = await storeOn(current.settings);
      current.stores.push(store);
      return store;
    },
    async close() {
      if (!current) return;
      const { stores } = current;
      current = undefined;
      await Promise.all(stores.map((s) => s.close()));
    },
    async dispose() {
      await owner?.end();
      if (owner) await admin.query(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`);
      await admin.end();
    },
  };
}
