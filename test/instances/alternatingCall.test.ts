import { afterEach, beforeEach, expect, it } from 'vitest';
import { addAgent, addCustomer, dashboardCode } from '../support/calls.js';
import { api } from '../support/harness.js';
import { describePostgres } from '../support/postgres.js';
import { placeCallAt, startBalancer, startPair, type Balancer, type Pair } from './support.js';

describePostgres('a call whose webhooks alternate between two instances', () => {
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

  /** Each instance answered some of the call's webhooks, and no two in a row came from one instance. */
  function expectAlternated() {
    const instances = balancer.served.map((s) => s.instance);
    expect(new Set(instances)).toEqual(new Set([0, 1]));
    instances.slice(1).forEach((instance, i) => expect(instance).not.toBe(instances[i]));
  }

  it('is verified and transferred to the agent as on one instance', async () => {
    const { h1, h2 } = pair;
    const id = await addCustomer(h1, { name: 'Acme Robotics', tier: 'premium' });
    await addAgent(h2, { name: 'Ann', phone: '+15550000001' });
    balancer.served.length = 0;
    const call = await placeCallAt(balancer.url, h1, [`${id}#`, await dashboardCode(h2, id), '1', 'agent:accept']);

    expect(call.ok).toBe(true);
    expect(call.said()).toContain('You are verified.');
    expect(call.said()).toContain('Connecting you to an engineer.');
    expect(call.dials().map((d) => d.number)).toEqual(['+15550000001']);
    expect(call.agentHeard()[0]).toMatch(/^Verified Premium Enterprise customer Acme Robotics, ID ending .*priority 1\. Press 1 to accept\.$/);
    expect(call.events.find((e) => e.kind === 'dial-result')).toMatchObject({ bridged: true });
    expect(balancer.served.length).toBeGreaterThan(5);
    expectAlternated();
    for (const h of pair.both) {
      expect(await h.hotline.store.calls.get(call.callSid)).toMatchObject({ outcome: 'transferred', priority: 'P1', customerId: id });
    }
  });

  it('books the P1 callback when no agent accepts, as on one instance', async () => {
    const { h1, h2 } = pair;
    const id = await addCustomer(h2, { tier: 'premium' });
    await addAgent(h1, { phone: '+15550000001' });
    await addAgent(h2, { phone: '+15550000002' });
    balancer.served.length = 0;
    const call = await placeCallAt(balancer.url, h1, [`${id}#`, await dashboardCode(h1, id), '1', 'agent:no-key', 'agent:no-answer']);

    expect(call.dials().map((d) => d.number)).toEqual(['+15550000001', '+15550000002']);
    expect(call.said()).toContain('Still trying to reach an engineer. Please hold.');
    expect(call.said().at(-1)).toMatch(/booked a priority 1 callback\. An engineer will call you within 1 hour of your call, by 1:00 PM UTC/);
    expectAlternated();
    for (const h of pair.both) {
      expect((await api(h, 'GET', '/api/callbacks')).body.items).toEqual([
        expect.objectContaining({ customerId: id, priority: 'P1', reason: 'no-agent-answered', status: 'pending', dueAt: '2026-11-23T13:00:00.000Z' }),
      ]);
    }
  });
});
