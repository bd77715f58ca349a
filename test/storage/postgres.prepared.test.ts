// The PostgreSQL store prepares its statements once per connection. Another instance's migration that
// changes a table's columns makes PostgreSQL refuse a prepared `SELECT *` of that table: the store must
// prepare its statements afresh after the first refusal, not fail on that connection for ever.
import { afterEach, expect, it } from 'vitest';
import { createPostgresStore, type PostgresStore } from '../../src/db/postgres/store.js';
import { ManualClock } from '../../src/domain/clock.js';
import { createTestDatabase, describePostgres, testPool, type TestDatabase } from '../support/postgres.js';
import { addAgent, OFFER_HOLD_MS, T0 } from './contracts/fixtures.js';

describePostgres('PostgreSQL store after a migration by another instance', () => {
  let database: TestDatabase | undefined;
  let store: PostgresStore | undefined;
  afterEach(async () => {
    await store?.close();
    await database?.drop();
  });

  it('a column added to a table read with SELECT *: at most one unit of work fails, the next ones on the same connection succeed', async () => {
    database = await createTestDatabase();
    // One connection: the statement prepared before the change is the one read after it.
    store = await createPostgresStore(database.url, { clock: new ManualClock(T0), offerHoldMs: OFFER_HOLD_MS, poolSize: 1 });
    const agent = await addAgent(store, 'Avery');
    expect((await store.agents.get(agent.agentId))?.name).toBe('Avery');

    const other = testPool(database.url);
    await other.query('ALTER TABLE agents ADD COLUMN team TEXT');
    await other.end();

    const reads = [];
    // Inside units of work: a statement refused there leaves the connection in the pool (a failed
    // statement alone at top level costs its connection, which would hide the problem).
    for (let i = 0; i < 3; i++) {
      const read = store.unitOfWork((tx) => tx.agents.get(agent.agentId));
      reads.push(await read.then((a) => a?.name, () => 'refused'));
    }
    expect(reads.filter((r) => r === 'refused').length).toBeLessThanOrEqual(1);
    expect(reads.at(-1)).toBe('Avery');
    expect(reads.at(-2)).toBe('Avery');
  });
});
