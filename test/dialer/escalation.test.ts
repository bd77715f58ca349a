import { afterEach, expect, it } from 'vitest';
import { api } from '../support/harness.js';
import { addCustomer, CALLER, dashboardCode, placeCall } from '../support/calls.js';
import { agentWithPassword, ConsoleClient } from '../console/support/consoleClient.js';
import { addAgent, CALLER_ID, startDialerHarness, type DialerHarness } from './support.js';
import { describeEngines } from '../support/postgres.js';

const ON_CALL_LEAD = '+14155550901';
const DEPUTY = '+819012345678';
const ESCALATION = { HOTLINE_ESCALATION_NUMBERS: `${ON_CALL_LEAD}, ${DEPUTY}` };

describeEngines('escalation when a P1 caller finds nobody', (engine) => {
  let d: DialerHarness;
  afterEach(async () => d.close());

  async function p1Call(customerId: string, tokens: string[] = []) {
    const call = await placeCall(d.h, [`${customerId}#`, await dashboardCode(d.h, customerId), '1', ...tokens]);
    await d.h.hotline.callbackDialing.escalations.idle();
    await d.h.hotline.callbackDialing.confirmations.idle();
    const callback = (await d.h.hotline.store.callbacks.byCallSid(call.callSid))!;
    return { call, callback };
  }

  const escalationTexts = () => d.twilio.messages.filter((m) => m.to !== CALLER);

  it('with nobody on duty, texts each number on the list once, with the reference and the deadline, and the console shows who was told', async () => {
    d = await startDialerHarness({ engine, env: ESCALATION });
    const id = await addCustomer(d.h, { tier: 'premium' });

    const { call, callback } = await p1Call(id);

    expect(call.said().join(' ')).toContain('we have booked a priority 1 callback');
    expect(callback).toMatchObject({ priority: 'P1', reason: 'no-agent-answered' });
    const texts = escalationTexts();
    expect(texts.map((m) => m.to).sort()).toEqual([ON_CALL_LEAD, DEPUTY].sort());
    const due = new Date(callback.dueAt).toISOString().slice(0, 16).replace('T', ' ');
    for (const text of texts) {
      expect(text).toMatchObject({ from: CALLER_ID });
      expect(text.body).toBe(
        `Emergency line, P1: no engineer was on duty. Premium Enterprise customer, ID ending ${id.slice(-4)}. ` +
          `Callback ${callback.reference} is due by ${due} UTC. Take it in the agent console.`,
      );
    }
    // Nothing else: no escalation call unless configured.
    expect(d.twilio.apiCalls).toHaveLength(0);

    const escalations = await d.h.hotline.store.escalations.ofCallback(callback.callbackId);
    expect(escalations.map((e) => [e.channel, e.to, e.status])).toEqual(
      expect.arrayContaining([
        ['sms', ON_CALL_LEAD, 'sent'],
        ['sms', DEPUTY, 'sent'],
      ]),
    );
    expect(escalations.find((e) => e.to === DEPUTY)!.detail).toBe(texts.find((m) => m.to === DEPUTY)!.sid);
    // The numbers on the list are logged masked.
    const logged = d.h.logs.records().filter((r) => r.msg === 'escalation sent');
    expect(logged).toHaveLength(2);
    expect(JSON.stringify(logged)).not.toContain(DEPUTY);

    // The same event seen again (a retried hook, another instance) tells nobody twice.
    const record = (await d.h.hotline.store.calls.get(call.callSid))!;
    d.h.hotline.callbackDialing.escalations.afterCommit(record, { ...callback, unverified: null });
    await d.h.hotline.callbackDialing.escalations.idle();
    expect(escalationTexts()).toHaveLength(2);

    const { agent, password } = await agentWithPassword(d.h, { onDuty: false });
    const c = new ConsoleClient(d.h);
    expect((await c.signIn(agent.agentId, password)).status).toBe(303);
    const page = await c.get(`/console/callbacks/${callback.callbackId}`);
    expect(page.text).toContain('<h2 id="h-escalation">Escalation</h2>');
    expect(page.text).toMatch(new RegExp(`Texted <a href="tel:\\${ON_CALL_LEAD}">\\${ON_CALL_LEAD}</a>, [^<]+: sent`));
    expect(page.text).toMatch(new RegExp(`Texted <a href="tel:\\${DEPUTY}">\\${DEPUTY}</a>, [^<]+: sent`));
  });

  it('when the one agent on duty does not answer, says no engineer accepted; with HOTLINE_ESCALATION_CALLS also calls, reading the text', async () => {
    d = await startDialerHarness({ engine, env: { ...ESCALATION, HOTLINE_ESCALATION_CALLS: 'true' } });
    await addAgent(d.h);
    const id = await addCustomer(d.h, { tier: 'standard' });

    const { callback } = await p1Call(id, ['agent:no-answer']);

    expect(callback).toMatchObject({ priority: 'P1' });
    const texts = escalationTexts();
    expect(texts).toHaveLength(2);
    expect(texts[0]!.body).toContain('Emergency line, P1: no engineer accepted the call. Standard Enterprise customer');
    const calls = d.twilio.apiCalls.filter((c) => c.twiml !== null);
    expect(calls.map((c) => c.to).sort()).toEqual([ON_CALL_LEAD, DEPUTY].sort());
    for (const call of calls) {
      expect(call.from).toBe(CALLER_ID);
      expect(call.twiml).toContain(`Callback ${callback.reference} is due by`);
      expect(call.twiml).toMatch(/^<\?xml version="1.0" encoding="UTF-8"\?><Response><Say voice="Polly.Joanna" language="en-US">/);
    }
    const escalations = await d.h.hotline.store.escalations.ofCallback(callback.callbackId);
    expect(escalations.filter((e) => e.status === 'sent')).toHaveLength(4);
  });

  it('records a text the Messages API refuses as failed, logs it masked, and keeps the call and the callback', async () => {
    d = await startDialerHarness({ engine, env: { HOTLINE_ESCALATION_NUMBERS: DEPUTY } });
    const id = await addCustomer(d.h);
    // The caller's confirmation and the escalation text race for the first failure: fail both.
    d.twilio.failNext('messages', { status: 400, code: 21614, message: `'To' number ${DEPUTY} is not a mobile number` }, 2);

    const { call, callback } = await p1Call(id);

    expect(call.said().at(-1)).toContain('Goodbye.');
    expect(callback).toMatchObject({ status: 'pending', priority: 'P1' });
    const [escalation] = await d.h.hotline.store.escalations.ofCallback(callback.callbackId);
    expect(escalation).toMatchObject({ channel: 'sms', to: DEPUTY, status: 'failed' });
    expect(escalation!.detail).toMatch(/^HTTP 400: /);
    const warning = d.h.logs.records().find((r) => r.msg === 'escalation failed');
    expect(warning).toMatchObject({ level: 40, reference: callback.reference, httpStatus: 400, twilioCode: 21614, to: '+8*********78' });
    expect(JSON.stringify(d.h.logs.records().filter((r) => String(r.msg).startsWith('escalation')))).not.toContain(DEPUTY);
  });

  it('a P2 callback, or a line with no escalation list, tells nobody', async () => {
    d = await startDialerHarness({ engine, env: ESCALATION });
    const id = await addCustomer(d.h);
    const p2 = await placeCall(d.h, [`${id}#`, await dashboardCode(d.h, id), '2', '']);
    await d.h.hotline.callbackDialing.escalations.idle();
    await d.h.hotline.callbackDialing.confirmations.idle();
    expect((await api(d.h, 'GET', '/api/callbacks')).body.items).toHaveLength(1);
    expect(escalationTexts()).toHaveLength(0);
    expect(p2.said().join(' ')).toContain('We have booked a callback');
    await d.close();

    d = await startDialerHarness({ engine });
    const other = await addCustomer(d.h);
    const { callback } = await p1Call(other);
    expect(callback).toMatchObject({ priority: 'P1' });
    expect(escalationTexts()).toHaveLength(0);
    expect(await d.h.hotline.store.escalations.ofCallback(callback.callbackId)).toEqual([]);
  });

  it('refuses a malformed HOTLINE_ESCALATION_NUMBERS at start-up in one line naming it and the entry, not the numbers', async () => {
    await expect(startDialerHarness({ engine, env: { HOTLINE_ESCALATION_NUMBERS: '+14155550901,0312345678' } })).rejects.toThrow(
      /^HOTLINE_ESCALATION_NUMBERS: must be comma-separated E\.164 phone numbers such as \+14155550100,\+819012345678: entry 2 is not one$/,
    );
    d = await startDialerHarness({ engine });
  });
});
