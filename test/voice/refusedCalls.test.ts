import { afterEach, beforeEach, expect, it } from 'vitest';
import { luhnCheckDigit } from '../../src/domain/customerId.js';
import { api, startHarness, type Harness } from '../support/harness.js';
import { addAgent, addCustomer, dashboardCode, placeCall } from '../support/calls.js';
import { describeEngines } from '../support/postgres.js';

const NO_MATCH = 'That ID and code did not match.';
const TOO_MANY = 'We could not complete your call. Please sign in to your dashboard and open Support. Goodbye.';
const ASK_ID = 'Enter your customer ID, then the hash key.';
const ASK_CODE = 'Enter the 6-digit code from your dashboard or authenticator app.';
const CODE_USED = 'That code was already used. Please wait for the next code, then enter it.';

/** A code that is certainly not the customer's current one. */
const wrong = (code: string) => String((Number(code) + 500_000) % 1_000_000).padStart(6, '0');

describeEngines('calls that are refused', (engine) => {
  let h: Harness;
  beforeEach(async () => {
    h = await startHarness({ engine });
    await addAgent(h, { phone: '+15550000001' });
  });
  afterEach(async () => h.close());

  it('a wrong code is answered "did not match", the ID is asked again, and silence then ends the call', async () => {
    const id = await addCustomer(h);
    const call = await placeCall(h, [`${id}#`, wrong(await dashboardCode(h, id))]);
    const said = call.said();
    expect(said.slice(said.indexOf(ASK_CODE))).toEqual([
      ASK_CODE,
      NO_MATCH,
      ASK_ID,
      'Sorry, I did not get that.',
      ASK_ID,
      'Sorry, I did not get that.',
      ASK_ID,
      'Sorry, I did not get that.',
      TOO_MANY,
    ]);
    expect(call.dials()).toEqual([]);
  });

  it('three refused pairs end the call with a goodbye', async () => {
    const id = await addCustomer(h);
    const bad = wrong(await dashboardCode(h, id));
    const call = await placeCall(h, [`${id}#`, bad, `${id}#`, bad, `${id}#`, bad]);
    expect(call.said().filter((s) => s === NO_MATCH)).toHaveLength(3);
    expect(call.said().at(-1)).toMatch(/could not verify your account.*Goodbye\.$/);
    expect(call.dials()).toEqual([]);
  });

  it('a code that was already used is refused: the caller hears it was used, waits for the next one on the same ID, and is verified with it', async () => {
    const id = await addCustomer(h);
    const code = await dashboardCode(h, id);
    const first = await placeCall(h, [`${id}#`, code, '3']);
    expect(first.said()).toContain('You are verified.');
    const second = await placeCall(h, [`${id}#`, code]);
    const said = second.said();
    expect(said.slice(said.indexOf(ASK_CODE))).toEqual([
      ASK_CODE,
      CODE_USED,
      ASK_CODE,
      'Sorry, I did not get that.',
      ASK_CODE,
      'Sorry, I did not get that.',
      ASK_CODE,
      'Sorry, I did not get that.',
      TOO_MANY,
    ]);
    expect(said).not.toContain(NO_MATCH);
    expect(second.dials()).toEqual([]);
    const audit = await h.hotline.store.verification.audit({ customerId: id, limit: 10 });
    expect(audit[0]).toMatchObject({ result: 'refused', reason: 'reused_code' });
    // The code prompt after it waits a whole step for the next code instead of 10 s.
    expect(second.gathers().slice(-3)).toEqual([
      { numDigits: 6, timeoutSeconds: 30 },
      { numDigits: 6, timeoutSeconds: 30 },
      { numDigits: 6, timeoutSeconds: 30 },
    ]);
    expect(first.gathers()[1]).toEqual({ numDigits: 6, timeoutSeconds: 10 });

    // The next code, typed without the ID again, verifies the same call.
    h.clock.advance(30_000);
    const third = await placeCall(h, [`${id}#`, code, await dashboardCode(h, id), '3']);
    expect(third.said()).toContain(CODE_USED);
    expect(third.said()).toContain('You are verified.');
  });

  it('an unknown ID with a plausible code is refused alike', async () => {
    const unknown = `77777777${luhnCheckDigit('77777777')}`;
    const call = await placeCall(h, [`${unknown}#`, '123456']);
    expect(call.said()).toContain(NO_MATCH);
    expect(call.dials()).toEqual([]);
  });

  it('an ID failing its Luhn check is caught at once, before any code is asked', async () => {
    const id = await addCustomer(h);
    const broken = id.slice(0, -1) + String((Number(id.at(-1)) + 1) % 10);
    const call = await placeCall(h, [`${broken}#`, `${broken}#`, `${broken}#`]);
    expect(call.said().filter((s) => s === 'That is not a valid customer ID.')).toHaveLength(3);
    expect(call.said()).not.toContain(ASK_CODE);
    expect(call.said().at(-1)).toBe(TOO_MANY);
  });

  it('after 5 refused pairs the ID is locked and even the right code is refused: the caller hears that automatic verification is unavailable', async () => {
    const id = await addCustomer(h);
    const bad = wrong(await dashboardCode(h, id));
    await placeCall(h, [`${id}#`, bad, `${id}#`, bad, `${id}#`, bad]);
    await placeCall(h, [`${id}#`, bad, `${id}#`, bad]);
    h.clock.advance(30_000);
    const call = await placeCall(h, [`${id}#`, await dashboardCode(h, id), '1']);
    expect(call.said().join(' ')).not.toContain('You are verified');
    expect(call.said().at(-1)).toContain('Automatic verification is not available for this call right now.');
    expect(call.dials()).toEqual([]);
    expect((await h.hotline.store.verification.audit({ customerId: id, limit: 1 }))[0]).toMatchObject({ reason: 'locked' });
  });

  it('silence at the code prompt and at the priority prompt repeats it, then says goodbye', async () => {
    const id = await addCustomer(h);
    const atCode = await placeCall(h, [`${id}#`]);
    expect(atCode.said().filter((s) => s === ASK_CODE)).toHaveLength(3);
    expect(atCode.said().at(-1)).toBe(TOO_MANY);

    const atPriority = await placeCall(h, [`${id}#`, await dashboardCode(h, id)]);
    expect(atPriority.said().filter((s) => s.startsWith('Site down or under attack'))).toHaveLength(3);
    expect(atPriority.said().at(-1)).toBe(TOO_MANY);
    expect(atPriority.dials()).toEqual([]);
  });

  it.each([
    ['business', /Your plan includes live chat, support tickets, the community forum and the Discord community\./],
    ['pro', /Your plan includes support tickets, the community forum and the Discord community\./],
    ['free', /Your plan includes the community forum, the Discord community and support tickets for billing, account and registrar questions\./],
  ])('a verified %s customer hears their channels and no agent rings', async (plan, channels) => {
    const id = await addCustomer(h, { plan, tier: undefined as unknown as string });
    const call = await placeCall(h, [`${id}#`, await dashboardCode(h, id), '1']);
    expect(call.said().at(-1)).toMatch(channels);
    expect(call.said().at(-1)).toMatch(/^The emergency line is for Enterprise customers\./);
    expect(call.dials()).toEqual([]);
  });

  it('a suspended customer is refused like a wrong code', async () => {
    const id = await addCustomer(h);
    await api(h, 'PATCH', `/api/customers/${id}`, { status: 'suspended' });
    const call = await placeCall(h, [`${id}#`, await dashboardCode(h, id), '1']);
    expect(call.said()).toContain(NO_MATCH);
    expect(call.dials()).toEqual([]);
  });

  it('3 tells how to open a ticket and the P3 target for the tier, and no agent rings', async () => {
    const id = await addCustomer(h, { tier: 'standard' });
    const call = await placeCall(h, [`${id}#`, await dashboardCode(h, id), '3']);
    expect(call.said().at(-1)).toMatch(/open a support ticket.*The first response target for Standard Enterprise is 48 hours\. Goodbye\.$/);
    expect(call.dials()).toEqual([]);
  });
});
