// On PostgreSQL a statement that fails inside a transaction aborts it, and COMMIT then answers ROLLBACK
// without an error: a unit of work that caught the failure and went on would lose every write silently.
// Writes whose failure is only logged run in a unit of their own, and a rolled-back COMMIT is an error.
import pg from 'pg';
import { afterEach, describe, expect, it } from 'vitest';
import { UnitOfWorkRolledBack } from '../../src/domain/storage/index.js';
import { startHarness, type Harness } from '../support/harness.js';
import { describePostgres } from '../support/postgres.js';
import { callParams, postSigned } from '../support/twilioRequests.js';

const CALL = `CA${'c'.repeat(32)}`;

describePostgres('a failure caught inside a PostgreSQL unit of work', () =>
  describe('a failure caught inside a PostgreSQL unit of work', () => {
    let h: Harness;
    afterEach(async () => {
      await h.close();
    });

    it("a call's final status ends the call even when freeing its agent fails (the agents table locked past the statement timeout)", async () => {
      h = await startHarness({ engine: 'postgres', env: { HOTLINE_DB_STATEMENT_TIMEOUT_MS: '300' } });
      expect((await postSigned(h, '/voice/incoming', callParams(CALL))).status).toBe(200);
      const holder = new pg.Client({ connectionString: h.databaseUrl });
      await holder.connect();
      try {
        await holder.query('BEGIN');
        await holder.query('LOCK TABLE agents IN ACCESS EXCLUSIVE MODE');
        const res = await postSigned(h, '/voice/status', callParams(CALL, { CallStatus: 'completed' }));
        expect(res.status).toBe(200);
      } finally {
        await holder.query('ROLLBACK');
        await holder.end();
      }
      expect(h.logs.records().filter((r) => r.msg === 'could not record agent free')).toHaveLength(1);
      const call = await h.hotline.store.calls.get(CALL);
      expect(call?.endedAt).not.toBeNull();
    });

    it('a unit of work whose failed statement was caught rejects instead of committing nothing in silence', async () => {
      h = await startHarness({ engine: 'postgres' });
      await expect(
        h.hotline.store.unitOfWork(async (tx) => {
          await tx.numbers.setLanguage('+14155550199', 'ja-JP', h.clock.now());
          // A read of a row that cannot be: the id overflows PostgreSQL's bigint and the statement fails.
          await tx.agents.get(2 ** 70).catch(() => undefined);
        }),
      ).rejects.toBeInstanceOf(UnitOfWorkRolledBack);
      expect(await h.hotline.store.numbers.languageOf('+14155550199')).toBeUndefined();
    });
  }),
);
