import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { slaState } from '../../src/domain/sla.js';
import { spokenText } from '../support/twilioStandIn.js';
import {
  addAgent,
  addCustomer,
  agentAccepts,
  agentAnswers,
  callbackInApi,
  customerLeg,
  MINUTE,
  scheduleCallback,
  startDialerHarness,
  type DialerHarness,
} from './support.js';
import { describeEngines } from '../support/postgres.js';

describe('SLA state', () => {
  const due = 1_000_000_000;
  it('is on time, then at risk under 15 minutes, then breached, while the customer is not reached', () => {
    for (const status of ['pending', 'dialing', 'failed'] as const) {
      expect(slaState({ dueAt: due, status }, due - 15 * MINUTE)).toBe('on_time');
      expect(slaState({ dueAt: due, status }, due - 15 * MINUTE + 1)).toBe('at_risk');
      expect(slaState({ dueAt: due, status }, due)).toBe('breached');
    }
  });

  it('stays as it was when the customer was reached, whatever the time now', () => {
    expect(slaState({ dueAt: due, status: 'connected', connectedAt: due - 1 }, due + 60 * MINUTE)).toBe('on_time');
    expect(slaState({ dueAt: due, status: 'completed', connectedAt: due + 1 }, due + 60 * MINUTE)).toBe('breached');
    expect(slaState({ dueAt: due, status: 'completed', connectedAt: null, breachedAt: due }, due)).toBe('breached');
    expect(slaState({ dueAt: due, status: 'cancelled' }, due + MINUTE)).toBe('on_time');
  });
});

describeEngines('callback dialer: deadlines', (engine) => {
  let d: DialerHarness;
  beforeEach(async () => {
    d = await startDialerHarness({ engine });
  });
  afterEach(async () => d.close());

  it('rings every free agent at once when the callback is at risk; the first to accept takes it', async () => {
    const { h, twilio } = d;
    const { customerId } = await addCustomer(h);
    const agents = [await addAgent(h), await addAgent(h), await addAgent(h)];
    const callback = await scheduleCallback(h, customerId, { dueInMs: 14 * MINUTE });
    expect((await callbackInApi(h, callback.callbackId)).sla).toBe('at_risk');

    await d.worker.tick();

    expect(twilio.apiCalls.map((c) => c.to).sort()).toEqual(agents.map((a) => a.phone).sort());
    const [late, winner, ringing] = twilio.apiCalls;
    const { whisper: lateWhisper } = await agentAnswers(twilio, late!);
    const won = await agentAccepts(twilio, winner!);
    expect(won.order?.number).toBe('+14155550199');

    // The other legs are hung up: 'canceled' for one still ringing, 'completed' for one in progress.
    const updates = await twilio.waitFor(() => (twilio.requestsOf('calls.update').length === 2 ? twilio.requestsOf('calls.update') : undefined), 'hang-ups');
    const byPath = Object.fromEntries(updates.map((u) => [u.path.split('/').at(-1)!.replace('.json', ''), u.params.Status]));
    expect(byPath).toEqual({ [late!.sid]: 'completed', [ringing!.sid]: 'canceled' });

    // An agent who presses 1 after the winner is refused.
    const gather = lateWhisper.children.find((v) => v.name === 'Gather')!;
    const refused = await twilio.press(late!, gather, '1');
    expect(spokenText(refused)).toContain('already been taken');
    expect(refused.children.some((v) => v.name === 'Dial')).toBe(false);
    const { text } = await agentAnswers(twilio, ringing!);
    expect(text).toContain('already been taken');
  });

  it('rings one agent when the deadline is more than 15 minutes away', async () => {
    const { h, twilio } = d;
    const { customerId } = await addCustomer(h);
    await addAgent(h);
    await addAgent(h);
    await scheduleCallback(h, customerId, { dueInMs: 16 * MINUTE });

    await d.worker.tick();

    expect(twilio.apiCalls).toHaveLength(1);
  });

  it('records a breach once when the deadline passes unconnected, and shows it', async () => {
    const { h } = d;
    const { customerId } = await addCustomer(h);
    const callback = await scheduleCallback(h, customerId, { dueInMs: 20 * MINUTE });
    expect((await callbackInApi(h, callback.callbackId)).sla).toBe('on_time');

    h.clock.advance(10 * MINUTE);
    await d.worker.tick();
    expect((await callbackInApi(h, callback.callbackId)).sla).toBe('at_risk');

    h.clock.advance(10 * MINUTE);
    const report = await d.worker.tick();
    await d.worker.tick();

    expect(report.breached).toBe(1);
    const shown = await callbackInApi(h, callback.callbackId);
    expect(shown).toMatchObject({ sla: 'breached', status: 'pending', breachedAt: new Date(h.clock.now()).toISOString() });
    const warnings = h.logs.records().filter((r) => r.msg === 'callback deadline passed before the customer was reached');
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatchObject({ level: 40, callbackId: callback.callbackId, reference: callback.reference });
  });

  it('keeps a callback reached in time on time after its deadline', async () => {
    const { h, twilio } = d;
    const { customerId } = await addCustomer(h);
    await addAgent(h);
    const callback = await scheduleCallback(h, customerId, { dueInMs: 30 * MINUTE });
    await d.worker.tick();
    const call = twilio.apiCalls[0]!;
    const { order } = await agentAccepts(twilio, call);
    await customerLeg(twilio, call, order!, 'answers');

    h.clock.advance(60 * MINUTE);
    await d.worker.tick();

    expect(await callbackInApi(h, callback.callbackId)).toMatchObject({ status: 'completed', sla: 'on_time', breachedAt: null });
  });
});
