import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { addAgent, addCustomer, callbackInApi, callbackOf, MINUTE, scheduleCallback, startDialerHarness, type DialerHarness } from './support.js';

describe('callback dialer: who is called first', () => {
  let d: DialerHarness;
  beforeEach(async () => {
    d = await startDialerHarness();
  });
  afterEach(async () => d.close());

  it('takes the earliest deadline first, then Premium before Standard, then P1 before P2', async () => {
    const { h } = d;
    const { customerId } = await addCustomer(h);
    const standardP2 = scheduleCallback(h, customerId, { tier: 'standard', priority: 'P2', dueInMs: 120 * MINUTE });
    const premiumP2 = scheduleCallback(h, customerId, { tier: 'premium', priority: 'P2', dueInMs: 120 * MINUTE });
    const standardP1 = scheduleCallback(h, customerId, { tier: 'standard', priority: 'P1', dueInMs: 120 * MINUTE });
    const premiumP1 = scheduleCallback(h, customerId, { tier: 'premium', priority: 'P1', dueInMs: 120 * MINUTE });
    const earliest = scheduleCallback(h, customerId, { tier: 'standard', priority: 'P2', dueInMs: 90 * MINUTE });
    for (let i = 0; i < 5; i++) await addAgent(h);

    const report = await d.worker.tick();

    expect(report.callsPlaced).toBe(5);
    expect(d.twilio.apiCalls.map(callbackOf)).toEqual([
      earliest.callbackId,
      premiumP1.callbackId,
      premiumP2.callbackId,
      standardP1.callbackId,
      standardP2.callbackId,
    ]);
  });

  it('rings one agent at a time while the deadline is far, and every other callback waits for a free agent', async () => {
    const { h } = d;
    const { customerId } = await addCustomer(h);
    const first = scheduleCallback(h, customerId, { dueInMs: 60 * MINUTE });
    const second = scheduleCallback(h, customerId, { dueInMs: 70 * MINUTE });
    const agent = await addAgent(h);

    await d.worker.tick();
    await d.worker.tick();

    expect(d.twilio.apiCalls).toHaveLength(1);
    const call = d.twilio.apiCalls[0]!;
    expect(call.to).toBe(agent.phone);
    expect(call.from).toBe('+15005550006');
    expect(call.statusCallbackEvents).toEqual(['initiated', 'ringing', 'answered', 'completed']);
    expect(callbackOf(call)).toBe(first.callbackId);
    expect((await callbackInApi(h, first.callbackId)).status).toBe('dialing');
    expect((await callbackInApi(h, second.callbackId)).status).toBe('pending');
  });

  it('prefers an agent who speaks the callback language', async () => {
    const { h } = d;
    const { customerId } = await addCustomer(h);
    await addAgent(h, { languages: ['en-US'] });
    const speaker = await addAgent(h, { languages: ['ja-JP', 'en-US'] });
    scheduleCallback(h, customerId, { language: 'ja-JP' });

    await d.worker.tick();

    expect(d.twilio.apiCalls.map((c) => c.to)).toEqual([speaker.phone]);
  });

  it('dials nobody while no agent is on duty, and the callback stays pending', async () => {
    const { h } = d;
    const { customerId } = await addCustomer(h);
    const callback = scheduleCallback(h, customerId);

    const report = await d.worker.tick();

    expect(report.claimed).toBe(0);
    expect(d.twilio.requests).toHaveLength(0);
    expect((await callbackInApi(h, callback.callbackId)).status).toBe('pending');
  });

  it('leaves a callback an agent has claimed in the console to that agent, and dials it once released', async () => {
    const { h } = d;
    const { customerId } = await addCustomer(h);
    const claimed = scheduleCallback(h, customerId, { dueInMs: 60 * MINUTE });
    const other = scheduleCallback(h, customerId, { dueInMs: 70 * MINUTE });
    const holder = await addAgent(h);
    await addAgent(h);
    await addAgent(h);
    expect(h.hotline.repos.desk.claim(claimed.callbackId, holder.agentId, h.clock.now())).toBeNull();

    await d.worker.tick();

    // The earlier deadline is the agent's to call: the dialer rings someone for the other one only.
    expect(d.twilio.apiCalls.map(callbackOf)).toEqual([other.callbackId]);
    expect((await callbackInApi(h, claimed.callbackId)).status).toBe('pending');

    expect(h.hotline.repos.desk.release(claimed.callbackId, holder.agentId, h.clock.now())).toBeNull();
    await d.worker.tick();

    expect(d.twilio.apiCalls.map(callbackOf)).toEqual([other.callbackId, claimed.callbackId]);
    expect((await callbackInApi(h, claimed.callbackId)).status).toBe('dialing');
  });
});
