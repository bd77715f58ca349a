import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { CallbackDialer } from '../../src/dialer/dialer.js';
import { addAgent, addCustomer, callbackInApi, MINUTE, scheduleCallback, startDialerHarness, type DialerHarness } from './support.js';

describe('callback dialer: two workers over one database', () => {
  let d: DialerHarness;
  let other: CallbackDialer | undefined;
  beforeEach(async () => {
    d = await startDialerHarness();
  });
  afterEach(async () => {
    await other?.stop();
    other = undefined;
    await d.close();
  });

  it('never rings one agent for two callbacks when the workers take turns during a slow calls.create', async () => {
    const { h, twilio } = d;
    const first = await addAgent(h, { name: 'Aiko' });
    const second = await addAgent(h, { name: 'Ben' });
    const { customerId } = await addCustomer(h);
    await scheduleCallback(h, customerId, { dueInMs: 100 * MINUTE });
    await scheduleCallback(h, customerId, { dueInMs: 110 * MINUTE });
    const third = await scheduleCallback(h, customerId, { dueInMs: 120 * MINUTE });
    other = h.hotline.callbackDialing.createWorker({ owner: 'other-worker' });

    // The other worker rings Aiko and waits on Twilio; meanwhile this worker rings Ben.
    const held = twilio.holdNextCall();
    const otherTick = other.tick();
    const slow = await held;
    await d.worker.tick();
    slow.release();
    await otherTick;

    expect(twilio.apiCalls.map((c) => c.to).sort()).toEqual([first.phone, second.phone].sort());
    expect(await callbackInApi(h, third.callbackId), 'the third waits for a free agent').toMatchObject({ status: 'pending', attempts: 0 });
    // The other worker read who is free again after its slow call, rather than claiming the third for Ben.
    expect(h.logs.text).not.toContain('callback handed back');
  });

  it('does not ring an agent another worker reserved after this one read who is free, and hands the callback back', async () => {
    const { h, twilio } = d;
    const agent = await addAgent(h);
    const { customerId } = await addCustomer(h);
    const earlier = await scheduleCallback(h, customerId, { dueInMs: 60 * MINUTE });
    const later = await scheduleCallback(h, customerId, { dueInMs: 90 * MINUTE });
    const repository = h.hotline.callbackDialing.repository;
    let raced = false;
    other = h.hotline.callbackDialing.createWorker({
      owner: 'other-worker',
      freeAgents: async (now) => {
        const free = await h.hotline.store.agents.freeOnDutyAt(now);
        if (!raced) {
          raced = true;
          // Right after this worker's read, a worker in another process claims the earlier callback and reserves the agent.
          const claim = (await repository.claimNext('test-worker', now, h.config.dialer.leaseMs))!;
          expect(await h.hotline.callbackDialing.rounds.requestAgentLegs(claim.callback.callbackId, claim.round, 'test-worker', [agent.agentId], now)).toHaveLength(1);
        }
        return free;
      },
    });

    await other.tick();

    expect(twilio.apiCalls, 'the agent is rung for one callback at a time').toHaveLength(0);
    expect((await repository.legs(earlier.callbackId)).map((l) => l.agentId)).toEqual([agent.agentId]);
    expect(await repository.legs(later.callbackId)).toEqual([]);
    expect(await callbackInApi(h, later.callbackId)).toMatchObject({ status: 'pending', attempts: 0, lastError: null });
  });
});
