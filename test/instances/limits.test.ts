import { afterEach, beforeEach, expect, it } from 'vitest';
import { luhnCheckDigit } from '../../src/domain/customerId.js';
import { CALLER_LIMIT, LOCK_POLICY } from '../../src/domain/serviceNumbers.js';
import { addCustomer, dashboardCode } from '../support/calls.js';
import { describePostgres } from '../support/postgres.js';
import { CallerLeg, placeCallAt, startBalancer, startPair, type Balancer, type Pair } from './support.js';

const LIMITED = 'Automatic verification is not available for this call right now.';
const ATTACKER = '+14155550666';
/** A code that is certainly not the customer's current one. */
const wrong = (code: string) => String((Number(code) + 500_000) % 1_000_000).padStart(6, '0');
/** The nth made-up customer ID: valid check digit, no customer. */
const guessedId = (n: number) => {
  const body = String(700000000 + n);
  return `${body}${luhnCheckDigit(body)}`;
};

describePostgres('limits on guessing, with refusals alternating between two instances', () => {
  let pair: Pair;
  let balancer: Balancer;
  beforeEach(async () => {
    pair = await startPair();
    balancer = await startBalancer([pair.h1.url, pair.h2.url]);
  });
  afterEach(async () => {
    await balancer.close();
    await pair.close();
  });

  it(`lock the ID after ${LOCK_POLICY.failuresPerLock} refused pairs in a row, as on one instance`, async () => {
    const { h1, h2 } = pair;
    const id = await addCustomer(h1);
    const bad = wrong(await dashboardCode(h1, id));
    // Four refusals, every webhook to the other instance than the one before: not locked yet.
    await placeCallAt(balancer.url, h1, [`${id}#`, bad, `${id}#`, bad]);
    await placeCallAt(balancer.url, h1, [`${id}#`, bad, `${id}#`, bad]);
    const served = balancer.served.filter((s) => s.path.startsWith('/voice/step')).map((s) => s.instance);
    expect(new Set(served)).toEqual(new Set([0, 1]));
    expect(await h2.hotline.store.verification.failureState(id)).toMatchObject({ consecutiveFailures: 4, lockedUntil: null });
    // The fifth locks it, whichever instance refuses it; then even the right code is refused on both.
    await placeCallAt(balancer.url, h1, [`${id}#`, bad]);
    const state = await h1.hotline.store.verification.failureState(id);
    expect(state).toMatchObject({ consecutiveFailures: LOCK_POLICY.failuresPerLock, locks: 1, lockedUntil: h1.clock.now() + LOCK_POLICY.firstLockMs });
    for (const h of pair.both) {
      h1.clock.advance(30_000);
      const call = await placeCallAt(h.url, h1, [`${id}#`, await dashboardCode(h, id), '1']);
      expect(call.said().join(' ')).not.toContain('You are verified');
      expect(call.said().at(-1)).toContain(LIMITED);
    }
  });

  it(`stop a calling number after ${CALLER_LIMIT.guesses} refused guesses in the hour, as on one instance`, async () => {
    const { h1, h2 } = pair;
    const realId = await addCustomer(h2);
    let guesses = 0;
    const guessingCall = (pairs: number) =>
      placeCallAt(balancer.url, h1, Array.from({ length: pairs }, () => [`${guessedId(++guesses)}#`, '123456']).flat(), { from: ATTACKER });
    for (let call = 0; call < 3; call++) expect((await guessingCall(3)).said().join(' ')).toContain('could not verify your account');
    // Guess ten is still heard as a guess; the real pair after it is refused for the number.
    const code = await dashboardCode(h1, realId);
    const last = await placeCallAt(balancer.url, h1, [`${guessedId(++guesses)}#`, '123456', `${realId}#`, code], { from: ATTACKER });
    expect(last.said().join(' ')).toContain('That ID and code did not match.');
    expect(last.said().at(-1)).toContain(LIMITED);
    expect(last.said().join(' ')).not.toContain('You are verified');
    for (const h of pair.both) {
      expect(await h.hotline.store.verification.refusalsFromCaller(ATTACKER, h.clock.now() - CALLER_LIMIT.windowMs, ['unknown_customer'])).toBe(CALLER_LIMIT.guesses);
      // Either instance refuses the number now, and lets another one through.
      h1.clock.advance(30_000);
      const next = await placeCallAt(h.url, h1, [`${realId}#`, await dashboardCode(h, realId)], { from: ATTACKER });
      expect(next.said().at(-1)).toContain(LIMITED);
      h1.clock.advance(30_000); // the code typed from the limited number was spent
      const other = await placeCallAt(h.url, h1, [`${realId}#`, await dashboardCode(h, realId)], { from: '+14155550101' });
      expect(other.said().join(' ')).toContain('You are verified');
    }
  });
  it(`count a calling number's guesses sent to both instances at the same moment: exactly ${CALLER_LIMIT.guesses} are heard as guesses`, async () => {
    const { h1, h2 } = pair;
    // Twice the allowance of callers from one number, each at the code prompt with a made-up ID.
    const legs = Array.from({ length: 2 * CALLER_LIMIT.guesses }, () => new CallerLeg(ATTACKER));
    await Promise.all(
      legs.map(async (leg, i) => {
        const h = i % 2 ? h2 : h1;
        await leg.incoming(h);
        await leg.answer(h, guessedId(1000 + i));
      }),
    );
    // Every code at once, half to each instance: the number's count decides between them.
    await Promise.all(legs.map((leg, i) => leg.answer(i % 2 ? h2 : h1, '123456')));
    const since = h1.clock.now() - CALLER_LIMIT.windowMs;
    expect(await h1.hotline.store.verification.refusalsFromCaller(ATTACKER, since, ['unknown_customer'])).toBe(CALLER_LIMIT.guesses);
    expect(await h2.hotline.store.verification.refusalsFromCaller(ATTACKER, since, ['caller_limited'])).toBe(CALLER_LIMIT.guesses);
  });
});
