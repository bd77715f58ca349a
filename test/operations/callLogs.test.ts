import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { addAgent, addCustomer, dashboardCode, placeCall } from '../support/calls.js';
import { startHarness, type Harness } from '../support/harness.js';

describe('every log line of a call carries its CallSid', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await startHarness({ env: { HOTLINE_BACKUP_NUMBER: '+15555550123' } });
  });
  afterEach(async () => h.close());

  /** The lines logged while `work` ran. */
  async function linesDuring(work: () => Promise<unknown>) {
    const from = h.logs.lines.length;
    await work();
    return h.logs.records().slice(from);
  }

  it('a verified P1 call transferred to an agent: engine, verification, whisper, transfer and hang-up lines', async () => {
    const customerId = await addCustomer(h);
    await addAgent(h, { phone: '+15555550111', languages: ['en-US'] });
    const code = await dashboardCode(h, customerId);
    let callSid = '';
    const lines = await linesDuring(async () => {
      callSid = (await placeCall(h, [`${customerId}#`, '000000', `${customerId}#`, code, '1', 'agent:accept'])).callSid;
    });
    const messages = lines.map((l) => l.msg);
    expect(messages).toEqual(expect.arrayContaining(['call started', 'verification refused', 'caller verified', 'call advanced', 'whisper played to agent', 'call ended']));
    expect(lines.filter((l) => l.callSid !== callSid).map((l) => l.msg)).toEqual([]);
  });

  it('a webhook that fails inside (the database gone) logs the error with the CallSid', async () => {
    const callSid = `CA${'b'.repeat(32)}`;
    const { postSigned, callParams } = await import('../support/twilioRequests.js');
    await postSigned(h, '/voice/incoming', callParams(callSid));
    const lines = await linesDuring(async () => {
      await h.hotline.close();
      const answer = await postSigned(h, '/voice/step?step=0', callParams(callSid, { Digits: '1234' }));
      expect(answer.body).toContain('+15555550123');
    });
    expect(lines).toEqual([expect.objectContaining({ callSid, level: 50, msg: 'voice webhook failed; caller sent to the backup line' })]);
  });
});
