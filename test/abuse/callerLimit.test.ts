import { afterEach, beforeEach, expect, it } from 'vitest';
import { luhnCheckDigit } from '../../src/domain/customerId.js';
import { CALLER_LIMIT } from '../../src/domain/serviceNumbers.js';
import { addCustomer, dashboardCode, placeCall } from '../support/calls.js';
import { startHarness, type Harness } from '../support/harness.js';
import { describeEngines } from '../support/postgres.js';

const HOUR = 60 * 60 * 1000;
// Limited, the caller is not hung up on: without a backup desk (as here) a callback to the phone on file, if any.
const LIMITED = 'Automatic verification is not available for this call right now.';
const ATTACKER = '+14155550666';

/** The nth made-up customer ID: valid check digit, no customer, a different one each time. */
const guessedId = (n: number) => {
  const body = String(700000000 + n);
  return `${body}${luhnCheckDigit(body)}`;
};

describeEngines('a caller cycling through customer IDs is stopped, whatever the ID', (engine) => {
  let h: Harness;
  let realId: string;
  let guesses = 0;
  beforeEach(async () => {
    h = await startHarness({ engine });
    realId = await addCustomer(h);
  });
  afterEach(async () => h.close());

  /** One call from `from` trying `pairs` made-up IDs with a wrong code each; returns what the caller heard. */
  async function guessingCall(from: string, pairs: number) {
    const tokens = Array.from({ length: pairs }, () => [`${guessedId(++guesses)}#`, '123456']).flat();
    return placeCall(h, tokens, { from });
  }

  it(`after ${CALLER_LIMIT.guesses} refused guesses within an hour, the number hears that automatic verification is unavailable - even with a right code - and is not verified (TwiML, never a 429)`, async () => {
    // Three calls of three pairs each (the per-call limit), then a fourth call: guess 10, then the real pair.
    for (let call = 0; call < 3; call++) expect((await guessingCall(ATTACKER, 3)).said().join(' ')).toContain('could not verify your account');
    const code = await dashboardCode(h, realId);
    const last = await placeCall(h, [`${guessedId(++guesses)}#`, '123456', `${realId}#`, code], { from: ATTACKER });
    const heard = last.said();
    expect(heard.at(-1)).toContain(LIMITED);
    expect(heard.join(' ')).not.toContain('You are verified');
    expect(last.endReason).toBe('hangup');
    expect(last.requests.every((r) => r.status === 200)).toBe(true);

    // The audit says why, the real customer ID was not counted against, and it is not locked.
    const audit = (await h.hotline.store.verification.audit({ customerId: realId, limit: 5 }));
    expect(audit[0]).toMatchObject({ result: 'refused', reason: 'caller_limited', caller: ATTACKER, factor: 'dashboard' });
    expect((await h.hotline.store.verification.failureState(realId)).consecutiveFailures).toBe(0);

    // The right code typed from the limited number is spent: nobody else can use it.
    const replay = await placeCall(h, [`${realId}#`, code], { from: '+14155550101' });
    expect(replay.said()).toContain('That code was already used. Please wait for the next code, then enter it.');
    expect(replay.said().join(' ')).not.toContain('You are verified');
    // Another number is not affected: the real customer gets through with the next code.
    h.clock.advance(30_000);
    const other = await placeCall(h, [`${realId}#`, await dashboardCode(h, realId)], { from: '+14155550100' });
    expect(other.said().join(' ')).toContain('You are verified');
  });

  it('the limit is a sliding hour: once the guesses are an hour old, the number may try again', async () => {
    for (let call = 0; call < 4; call++) await guessingCall(ATTACKER, call < 3 ? 3 : 1);
    expect((await guessingCall(ATTACKER, 1)).said().at(-1)).toContain(LIMITED);
    h.clock.advance(HOUR + 1000);
    const code = await dashboardCode(h, realId);
    expect((await placeCall(h, [`${realId}#`, code], { from: ATTACKER })).said().join(' ')).toContain('You are verified');
  });

  it(`withheld numbers share one allowance of ${CALLER_LIMIT.withheldGuesses}: hiding the number does not escape the limit`, async () => {
    const withheld = ['anonymous', 'Restricted', 'unknown'];
    for (let call = 0; call < CALLER_LIMIT.withheldGuesses / 3; call++) await guessingCall(withheld[call % 3]!, 3);
    const code = await dashboardCode(h, realId);
    const next = await placeCall(h, [`${realId}#`, code], { from: 'anonymous' });
    expect(next.said().at(-1)).toContain(LIMITED);
    // A caller who shows a number has an allowance of their own (with the next code: the one typed above was spent).
    h.clock.advance(30_000);
    const nextCode = await dashboardCode(h, realId);
    expect((await placeCall(h, [`${realId}#`, nextCode], { from: '+14155550100' })).said().join(' ')).toContain('You are verified');
  });

  it('attempts on a locked ID and reused codes are not guesses: they do not use up the number\'s allowance', async () => {
    const code = await dashboardCode(h, realId);
    expect((await placeCall(h, [`${realId}#`, code], { from: ATTACKER })).said().join(' ')).toContain('You are verified');
    // The same (spent) code again, twelve times over four calls: refused as reused (then locked), never as limited.
    for (let call = 0; call < 4; call++) await placeCall(h, Array(3).fill([`${realId}#`, code]).flat(), { from: ATTACKER });
    const reasons = (await h.hotline.store.verification.audit({ customerId: realId, limit: 100 })).map((a) => a.reason);
    expect(reasons).not.toContain('caller_limited');
  });

  it('an empty From and Twilio\'s anonymous marker +266696687 are withheld numbers: they share the withheld allowance, not escape it', async () => {
    // Alternating: 15 guesses with no number at all, 15 from the marker (which looks like E.164 but is no line).
    for (let call = 0; call < CALLER_LIMIT.withheldGuesses / 3; call++) {
      expect((await guessingCall(call % 2 === 0 ? '' : '+266696687', 3)).said().join(' ')).not.toContain(LIMITED);
    }
    const code = await dashboardCode(h, realId);
    for (const from of ['', '+266696687', 'anonymous']) {
      expect((await placeCall(h, [`${realId}#`, code], { from })).said().at(-1), `From=${JSON.stringify(from)}`).toContain(LIMITED);
    }
    const audit = (await h.hotline.store.verification.audit({ limit: 200 }));
    expect(new Set(audit.map((a) => a.caller))).toEqual(new Set(['anonymous']));
  });
});

describeEngines('Twilio\'s anonymous marker is never a number to call back', (engine) => {
  let h: Harness;
  let customerId: string;
  beforeEach(async () => {
    // North American callback numbers allowed (HOTLINE_CALLBACK_COUNTRIES): the line has no numbers here to derive them from.
    h = await startHarness({ engine, env: { HOTLINE_CALLBACK_COUNTRIES: '1' } });
    customerId = await addCustomer(h);
  });
  afterEach(async () => h.close());

  it('a verified caller from +266696687 who asks for a callback is asked for a number, and the callback goes to the one typed', async () => {
    const call = await placeCall(h, [`${customerId}#`, await dashboardCode(h, customerId), '2', '14155550177#'], { from: '+266696687' });
    const heard = call.said().join(' ');
    expect(heard).toContain('We need a number to call you back on.');
    expect((await h.hotline.store.callbacks.byCallSid(call.callSid))).toMatchObject({ phone: '+14155550177' });
  });

  it('typing the marker as the callback number is refused as not a number we can call', async () => {
    const call = await placeCall(h, [`${customerId}#`, await dashboardCode(h, customerId), '2', '266696687#'], { from: '' });
    expect(call.said().join(' ')).toContain('That is not a phone number we can call.');
    expect((await h.hotline.store.callbacks.byCallSid(call.callSid))).toBeUndefined();
  });
});
