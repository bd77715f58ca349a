// A webhook on PostgreSQL holds one pooled connection for its unit of work. Were any of its work to ask
// the pool for a second one, as many simultaneous webhooks as the pool has connections would each hold
// one and wait for another: every caller would hear the apology once the acquire timeout ran out.
import { afterEach, describe, expect, it } from 'vitest';
import { luhnCheckDigit } from '../../src/domain/customerId.js';
import { startHarness, type Harness } from '../support/harness.js';
import { describePostgres } from '../support/postgres.js';
import { CallerLeg, PUBLIC_URL } from '../instances/support.js';

const POOL = 2;
/** The nth made-up customer ID: valid check digit, no customer. */
const guessedId = (n: number) => {
  const body = String(800000000 + n);
  return `${body}${luhnCheckDigit(body)}`;
};

describePostgres('simultaneous webhooks on a small PostgreSQL pool', () =>
  describe('simultaneous webhooks on a small PostgreSQL pool', () => {
    let h: Harness;
    afterEach(async () => {
      await h.close();
    });

    it(`${4 * POOL} refused codes at once on a pool of ${POOL} connections: each caller hears the refusal, none the apology`, async () => {
      h = await startHarness({
        engine: 'postgres',
        // Short enough that a webhook starved of a second connection fails the test fast.
        env: { PUBLIC_BASE_URL: PUBLIC_URL, HOTLINE_DB_POOL_SIZE: String(POOL), HOTLINE_DB_ACQUIRE_TIMEOUT_MS: '3000' },
      });
      const legs = Array.from({ length: 4 * POOL }, (_, i) => new CallerLeg(`+1415555${String(2000 + i)}`));
      for (const [i, leg] of legs.entries()) {
        await leg.incoming(h);
        await leg.answer(h, guessedId(i));
      }
      await Promise.all(legs.map((leg) => leg.answer(h, '123456')));
      for (const leg of legs) expect(leg.said().join(' ')).toContain('That ID and code did not match.');
      expect(h.logs.records().filter((r) => r.msg === 'voice webhook failed; caller sent to the backup line')).toHaveLength(0);
    });
  }),
);
