import twilio from 'twilio';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { addCustomer } from '../support/calls.js';
import { metricTotal, startHarness, type Harness } from '../support/harness.js';
import { callParams, postSigned } from '../support/twilioRequests.js';

const CALL = `CA${'5'.repeat(32)}`;

describe('a signed webhook whose parameters are not as Twilio sends them', () => {
  let h: Harness;
  let customerId: string;
  beforeEach(async () => {
    h = await startHarness({ env: { HOTLINE_BACKUP_NUMBER: '+15555550123' } });
    customerId = await addCustomer(h);
    expect((await postSigned(h, '/voice/incoming', callParams(CALL))).status).toBe(200);
  });
  afterEach(async () => h.close());

  const apologies = () => metricTotal(h, 'hotline_voice_apologies_total');
  /** What a refused request must leave as it was: the call, the audit, the apology count. */
  const snapshot = async () => ({
    call: (await h.hotline.store.calls.get(CALL)),
    audit: (await h.hotline.store.verification.audit({ limit: 100 })),
    apologies: await apologies(),
  });
  const warnings = () => h.logs.records().filter((r) => r.level === 40).map((r) => r.refusal);

  it('a repeated Digits, genuinely signed, is a 400 naming it; the step is not taken', async () => {
    const before = await snapshot();
    const res = await postSigned(h, '/voice/step?step=0', { ...callParams(CALL), Digits: [customerId, '1234567897'] });
    expect(res).toMatchObject({ status: 400, body: 'repeated parameter: Digits' });
    expect(res.type).toMatch(/^text\/plain/);
    expect(await snapshot()).toEqual(before);
    expect(warnings()).toEqual(['repeated parameter: Digits']);
    // The same step sent as Twilio sends it is taken.
    expect((await postSigned(h, '/voice/step?step=0', callParams(CALL, { Digits: customerId }))).body).toContain('code');
    expect((await h.hotline.store.calls.get(CALL))?.step).toBe(1);
  });

  it('a captured step replayed with the name/value boundary moved (Digits=<id>Directioninbound, no Direction) is refused', async () => {
    const captured = callParams(CALL, { Digits: customerId });
    const signature = twilio.getExpectedTwilioSignature(h.config.twilio.authToken, `${h.config.publicBaseUrl}/voice/step?step=0`, captured);
    const { Direction, ...rest } = captured;
    const shifted = { ...rest, Digits: `${customerId}Direction${Direction}` };
    // The validator cannot tell them apart: this is why the parameters are checked after it.
    expect(twilio.validateRequest(h.config.twilio.authToken, signature, `${h.config.publicBaseUrl}/voice/step?step=0`, shifted)).toBe(true);

    const before = await snapshot();
    const res = await postSigned(h, '/voice/step?step=0', shifted, signature);
    expect([400, 403]).toContain(res.status);
    expect(res.type).toMatch(/^text\/plain/);
    expect(await snapshot()).toEqual(before);
  });

  it('a repeated CallSid on the first webhook creates no call', async () => {
    const other = `CA${'6'.repeat(32)}`;
    const res = await postSigned(h, '/voice/incoming', { ...callParams(other), CallSid: [other, CALL] });
    expect(res).toMatchObject({ status: 400, body: 'repeated parameter: CallSid' });
    expect((await h.hotline.store.calls.get(other))).toBeUndefined();
  });

  it('each route\'s required parameters: CallSid everywhere, and CallStatus on a status callback', async () => {
    const before = await snapshot();
    const { CallSid: _sid, ...noSid } = callParams(CALL, { Digits: customerId });
    for (const path of ['/voice/incoming', '/voice/step?step=0', '/voice/fallback', `/voice/queue/wait?call=${CALL}`, '/voice/whisper']) {
      expect(await postSigned(h, path, noSid), path).toMatchObject({ status: 400, body: 'missing parameter: CallSid' });
    }
    const { CallStatus: _status, ...noStatus } = callParams(CALL);
    expect(await postSigned(h, '/voice/status', noStatus)).toMatchObject({ status: 400, body: 'missing parameter: CallStatus' });
    expect(await snapshot()).toEqual(before);
  });

  it('the dialer\'s callback webhooks refuse a repeated parameter too', async () => {
    const path = '/voice/callback/status?callback=1&leg=1';
    const res = await postSigned(h, path, { ...callParams(CALL), CallStatus: ['completed', 'in-progress'] });
    expect(res).toMatchObject({ status: 400, body: 'repeated parameter: CallStatus' });
    expect(res.type).toMatch(/^text\/plain/);
    const { CallSid: _sid, ...noSid } = callParams(CALL);
    expect(await postSigned(h, '/voice/callback/agent?callback=1&leg=1', noSid)).toMatchObject({ status: 400, body: 'missing parameter: CallSid' });
  });
});
