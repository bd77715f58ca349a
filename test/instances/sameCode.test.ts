import { afterEach, beforeEach, expect, it } from 'vitest';
import { addCustomer, dashboardCode } from '../support/calls.js';
import { describePostgres } from '../support/postgres.js';
import { CallerLeg, startPair, type Pair } from './support.js';

const VERIFIED = 'You are verified.';
const CODE_USED = 'That code was already used. Please wait for the next code, then enter it.';
const TRIES = 20;

describePostgres('the same valid code submitted to both instances at once', () => {
  let pair: Pair;
  beforeEach(async () => {
    pair = await startPair();
  });
  afterEach(async () => pair.close());

  it(`verifies exactly one call, every time (${TRIES} tries, each a fresh customer or the next time step)`, async () => {
    const { h1, h2 } = pair;
    let id = await addCustomer(h1);
    for (let attempt = 0; attempt < TRIES; attempt++) {
      // Even tries: a fresh customer; odd tries: the same customer at the next time step.
      if (attempt % 2 === 0) id = await addCustomer(attempt % 4 === 0 ? h1 : h2);
      else pair.h1.clock.advance(30_000);
      const code = await dashboardCode(h1, id);
      const legs = [new CallerLeg('+14155550100'), new CallerLeg('+14155550101')] as const;
      await Promise.all(legs.map(async (leg, i) => {
        await leg.incoming(pair.both[i]!);
        await leg.answer(pair.both[i]!, id);
      }));
      await Promise.all(legs.map((leg, i) => leg.answer(pair.both[i]!, code)));

      const heard = legs.map((leg) => leg.said().join(' '));
      expect(heard.filter((s) => s.includes(VERIFIED)), `try ${attempt}: ${heard.join(' | ')}`).toHaveLength(1);
      expect(heard.filter((s) => s.includes(CODE_USED)), `try ${attempt}`).toHaveLength(1);
      const verified = await h2.hotline.store.verification.audit({ customerId: id, limit: 10 });
      expect(verified.filter((e) => e.result === 'verified' && legs.some((l) => l.callSid === e.callSid)), `try ${attempt}`).toHaveLength(1);
    }
  }, 60_000);
});
