import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findHaproxy } from '../../scripts/chaos/cluster.js';
import { runChaos } from '../../scripts/chaos/run.js';
import { createTestDatabase, describePostgres } from '../support/postgres.js';

/** Runs `suite` when HAProxy is installed; otherwise one skipped test says why, and under CI the run fails. */
function describeHaproxy(name: string, suite: () => void): void {
  if (findHaproxy()) {
    describe(name, suite);
    return;
  }
  if (process.env.CI) throw new Error('CI is set but HAProxy is not installed (apt-get install -y haproxy)');
  describe(name, () => {
    it.skip('needs HAProxy: apt-get install haproxy', () => {});
  });
}

describePostgres('fail-over behind HAProxy (npm run chaos, short)', () => {
  describeHaproxy('fail-over behind HAProxy (npm run chaos, short)', () => {
    let database: Awaited<ReturnType<typeof createTestDatabase>>;
    beforeAll(async () => {
      database = await createTestDatabase();
    });
    afterAll(async () => database?.drop());

    it('one of two instances killed with SIGKILL while calls are in progress: every call completes, no webhook fails', async () => {
      const report = await runChaos({ durationS: 5, rate: 2, killAtS: 2, databaseUrl: database.url });

      expect(report.incomplete).toEqual([]);
      expect(report.callsCompleted).toBe(10);
      // The kill landed in the middle of calls, and their remaining webhooks were answered by the other instance.
      expect(report.callsAcrossKill).toBeGreaterThan(0);
      // HAProxy sent the cut-off webhook and those refused by the dead instance to the other one: Twilio
      // never saw a failure, not even one it would have tried again.
      expect(report.failedTries).toEqual({});
      expect(report.webhooksFailed).toBe(0);
      const [killed, survivor] = report.haproxy;
      expect(killed).toMatchObject({ server: 'hotline1', status: 'DOWN' });
      expect(survivor).toMatchObject({ server: 'hotline2', status: 'UP' });
      expect(killed!.sessions).toBeGreaterThan(0);
      expect(survivor!.sessions).toBeGreaterThan(killed!.sessions);
    }, 120_000);
  });
});
