// The database slow or gone: no storage call of the PostgreSQL store waits past its timeouts, so a voice
// route can still answer its apology and the backup line within 2 s.
import { randomBytes } from 'node:crypto';
import { createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_STATEMENT_TIMEOUT_MS } from '../../src/db/postgres/settings.js';
import { createPostgresStore } from '../../src/db/postgres/store.js';
import { ManualClock } from '../../src/domain/clock.js';
import { describePostgres, testPool } from '../support/postgres.js';
import { addCustomer, OFFER_HOLD_MS, T0 } from './contracts/fixtures.js';
import { databaseUrl } from './postgres/subject.js';

const settings = () => ({ clock: new ManualClock(T0), offerHoldMs: OFFER_HOLD_MS });

/** How long `promise` takes to settle, and whether it rejected. */
async function timed(promise: Promise<unknown>): Promise<{ ms: number; rejected: boolean }> {
  const started = performance.now();
  const rejected = await promise.then(
    () => false,
    () => true,
  );
  return { ms: performance.now() - started, rejected };
}

describe('PostgreSQL store when the server accepts connections but never answers', () => {
  let silent: Server;
  const sockets: Socket[] = [];
  beforeAll(async () => {
    silent = createServer((socket) => sockets.push(socket));
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
  });
  afterAll(async () => {
    for (const socket of sockets) socket.destroy();
    await new Promise((resolve) => silent.close(resolve));
  });

  it('readiness says it is not ready, and a write rejects, each within 2 s', async () => {
    const url = `postgres://hotline:secret@127.0.0.1:${(silent.address() as AddressInfo).port}/hotline`;
    const store = await createPostgresStore(url, { ...settings(), migrate: false });
    try {
      const started = performance.now();
      const ready = await store.readiness();
      expect(performance.now() - started).toBeLessThan(2000);
      expect(ready).toEqual({ ok: false, reason: expect.not.stringContaining('secret') as unknown });
      const write = await timed(store.numbers.setLanguage('+15550100100', 'en-US', T0));
      expect(write).toMatchObject({ rejected: true });
      expect(write.ms).toBeLessThan(2000);
      const unit = await timed(store.unitOfWork((tx) => tx.numbers.setLanguage('+15550100100', 'en-US', T0)));
      expect(unit).toMatchObject({ rejected: true });
      expect(unit.ms).toBeLessThan(2000);
    } finally {
      await store.close();
    }
  });
});

describePostgres('PostgreSQL store when a row stays locked', (serverUrl) => {
  const admin = testPool(serverUrl);
  const database = `hotline_locks_${randomBytes(4).toString('hex')}`;
  afterAll(async () => {
    await admin.query(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`);
    await admin.end();
  });

  it('a write waiting on a lock another connection holds fails after the statement timeout, then works once the lock is gone', async () => {
    await admin.query(`CREATE DATABASE ${database}`);
    const url = databaseUrl(serverUrl, database);
    const store = await createPostgresStore(url, settings());
    const holder = new pg.Client({ connectionString: url });
    await holder.connect();
    try {
      const id = await addCustomer(store, 1);
      await holder.query('BEGIN');
      await holder.query('SELECT * FROM customers WHERE customer_id = $1 FOR UPDATE', [id]);
      const blocked = await timed(store.customers.update(id, { name: 'Renamed' }, T0 + 1));
      expect(blocked.rejected).toBe(true);
      // Failed by the server's statement timeout (the default), not by anything sooner.
      expect(blocked.ms).toBeGreaterThan(DEFAULT_STATEMENT_TIMEOUT_MS - 50);
      expect(blocked.ms).toBeLessThan(2000);
      await holder.query('ROLLBACK');
      expect(await store.customers.update(id, { name: 'Renamed' }, T0 + 2)).toMatchObject({ name: 'Renamed' });
      expect(await store.readiness()).toEqual({ ok: true });
    } finally {
      await holder.end();
      await store.close();
    }
  });
});
