import { afterEach, beforeEach, expect, it } from 'vitest';
import { api, startHarness, type Harness } from '../support/harness.js';
import { addAgent, addCustomer, dashboardCode } from '../support/calls.js';
import { callParams, postSigned } from '../support/twilioRequests.js';
import { AGENT_OFFER_HOLD_MS } from '../../src/domain/serviceNumbers.js';
import { describeEngines } from '../support/postgres.js';

const sid = (c: string) => `CA${c.repeat(32)}`;

/** Walks a call by hand up to pressing 1 for P1, returning the last TwiML. */
async function verifiedP1(h: Harness, callSid: string, customerId: string, from: string): Promise<string> {
  const p = (extra: Record<string, string> = {}) => callParams(callSid, { From: from, ...extra });
  await postSigned(h, '/voice/incoming', p());
  await postSigned(h, '/voice/step?step=0', p({ Digits: customerId }));
  await postSigned(h, '/voice/step?step=1', p({ Digits: await dashboardCode(h, customerId) }));
  return (await postSigned(h, '/voice/step?step=2', p({ Digits: '1' }))).body;
}

const wait = (h: Harness, callSid: string) =>
  postSigned(h, `/voice/queue/wait?call=${callSid}`, callParams(callSid, { QueuePosition: '1', QueueSid: `QU${'0'.repeat(32)}`, QueueTime: '10' }));

describeEngines('the P1 queue when every agent is busy', (engine) => {
  let h: Harness;
  let agentId: number;
  beforeEach(async () => {
    h = await startHarness({ engine });
    agentId = await addAgent(h, { name: 'Ann', phone: '+15550000001' });
    // A first verified P1 call takes the only agent.
    const busy = await verifiedP1(h, sid('1'), await addCustomer(h, { name: 'First' }), '+14155550001');
    expect(busy).toContain('<Number url=');
  });
  afterEach(async () => h.close());

  it('a Standard caller who waited longer is still behind a Premium caller, and a freed agent gets the head', async () => {
    const standard = await verifiedP1(h, sid('2'), await addCustomer(h, { name: 'Standard Co', tier: 'standard' }), '+14155550002');
    h.clock.advance(5_000);
    const premium = await verifiedP1(h, sid('3'), await addCustomer(h, { name: 'Premium Co', tier: 'premium' }), '+14155550003');
    for (const twiml of [standard, premium]) {
      expect(twiml).toContain('All our engineers are on other calls.');
      expect(twiml).toMatch(/<Enqueue action="[^"]+\/voice\/step\?step=3" method="POST" waitUrl="[^"]+\/voice\/queue\/wait\?call=CA\w+" waitUrlMethod="POST">hotline-p1<\/Enqueue>/);
    }
    expect((await wait(h, sid('2'))).body).toContain('You are number 2 in line for an engineer.');
    const premiumWait = (await wait(h, sid('3'))).body;
    expect(premiumWait).toContain('You are number 1 in line');
    expect(premiumWait).toContain('/voice/hold-music.wav</Play>');
    const music = await fetch(`${h.url}/voice/hold-music.wav`);
    expect(music.headers.get('content-type')).toBe('audio/wav');
    expect(Buffer.from(await music.arrayBuffer()).subarray(0, 4).toString()).toBe('RIFF');

    // The agent's offer runs out (nobody took the first call): the agent is free again.
    h.clock.advance(AGENT_OFFER_HOLD_MS + 1_000);
    expect((await wait(h, sid('2'))).body).toContain('You are number 2 in line');
    expect((await wait(h, sid('3'))).body).toContain('<Leave/>');
    const offered = await postSigned(h, '/voice/step?step=3', callParams(sid('3'), { From: '+14155550003', QueueResult: 'leave' }));
    expect(offered.body).toMatch(new RegExp(`<Number url="[^"]+/voice/whisper\\?call=${sid('3')}&amp;agent=${agentId}"`));
    expect((await wait(h, sid('2'))).body).toContain('You are number 1 in line');
  });

  it('an agent still hearing the whisper 40 s after the offer is not rung for the next caller, who waits in the queue', async () => {
    h.clock.advance(40_000); // Ann answered at 20 s and is listening to who is calling
    const next = await verifiedP1(h, sid('b'), await addCustomer(h), '+14155550011');
    expect(next).toContain('All our engineers are on other calls.');
    expect(next).not.toContain('<Dial');
  });

  it('pressing 1 while waiting turns into a P1 callback', async () => {
    const id = await addCustomer(h, { tier: 'standard' });
    await verifiedP1(h, sid('4'), id, '+14155550004');
    const key = await postSigned(h, `/voice/queue/key?call=${sid('4')}`, callParams(sid('4'), { Digits: '1' }));
    expect(key.body).toContain('<Leave/>');
    const left = await postSigned(h, '/voice/step?step=3', callParams(sid('4'), { From: '+14155550004', QueueResult: 'leave' }));
    expect(left.body).toMatch(/booked a priority 1 callback\. An engineer will call you within 2 hours/);
    const callbacks = (await api(h, 'GET', '/api/callbacks')).body.items;
    expect(callbacks).toEqual([expect.objectContaining({ customerId: id, priority: 'P1', phone: '+14155550004' })]);
    expect((await h.hotline.store.queue.get(sid('4')))).toMatchObject({ status: 'left' });
  });

  it("a P1 callback after a long hold keeps the target counted from the call, and one past it is promised as soon as possible", async () => {
    const held = async (callSid: string, minutes: number) => {
      const id = await addCustomer(h, { tier: 'premium' });
      await verifiedP1(h, callSid, id, '+14155550012');
      const startedAt = (await h.hotline.store.calls.get(callSid))!.startedAt;
      h.clock.advance(minutes * 60_000);
      await postSigned(h, `/voice/queue/key?call=${callSid}`, callParams(callSid, { Digits: '1' }));
      const left = await postSigned(h, '/voice/step?step=3', callParams(callSid, { From: '+14155550012', QueueResult: 'leave' }));
      const callbacks = (await api(h, 'GET', '/api/callbacks')).body.items as Array<{ customerId: string; dueAt: string }>;
      return { said: left.body, startedAt, callback: callbacks.find((c) => c.customerId === id)! };
    };
    const within = await held(sid('c'), 40);
    expect(within.callback.dueAt).toBe(new Date(within.startedAt + 60 * 60_000).toISOString());
    expect(within.said).toMatch(/An engineer will call you within 1 hour of your call, by \d+:\d\d [AP]M UTC\./);
    const late = await held(sid('d'), 70);
    expect(late.callback.dueAt).toBe(new Date(late.startedAt + 60 * 60_000).toISOString());
    expect(late.said).toContain('An engineer will call you as soon as possible.');
  });

  it('an agent removed between the offer and the ring is not rung: the caller goes back in line, or gets the callback', async () => {
    const bob = await addAgent(h, { name: 'Bob', phone: '+15550000002' });
    // Bob takes a second caller, so both agents are busy and the third caller waits.
    expect(await verifiedP1(h, sid('6'), await addCustomer(h), '+14155550006')).toContain(`agent=${bob}`);
    await verifiedP1(h, sid('7'), await addCustomer(h), '+14155550007');
    h.clock.advance(AGENT_OFFER_HOLD_MS + 1_000); // Ann's offer of the first call runs out: she is free again
    expect((await wait(h, sid('7'))).body).toContain('<Leave/>');
    expect((await api(h, 'DELETE', `/api/agents/${agentId}`)).status).toBe(200);
    const back = await postSigned(h, '/voice/step?step=3', callParams(sid('7'), { From: '+14155550007', QueueResult: 'leave' }));
    expect(back.body).toContain('Still trying to reach an engineer. Please hold.');
    expect(back.body).toContain('hotline-p1</Enqueue>');
    expect(back.body).not.toContain('<Dial');
    expect((await h.hotline.store.queue.get(sid('7')))).toMatchObject({ status: 'waiting' });

    // Bob is offered the caller in turn, and goes off duty before Twilio rings him: nobody is left.
    h.clock.advance(AGENT_OFFER_HOLD_MS + 1_000);
    expect((await wait(h, sid('7'))).body).toContain('<Leave/>');
    expect((await api(h, 'PATCH', `/api/agents/${bob}`, { onDuty: false })).status).toBe(200);
    const booked = await postSigned(h, '/voice/step?step=4', callParams(sid('7'), { From: '+14155550007', QueueResult: 'leave' }));
    expect(booked.body).toMatch(/No engineer could take your call right now, so we have booked a priority 1 callback/);
    expect(booked.body).not.toContain('<Dial');
    expect((await h.hotline.store.queue.get(sid('7')))).toMatchObject({ status: 'left' });
    expect((await api(h, 'GET', '/api/callbacks')).body.items).toEqual([
      expect.objectContaining({ priority: 'P1', phone: '+14155550007', reason: 'no-agent-answered' }),
    ]);
  });

  it('callers still waiting when the last agent goes off duty get the P1 callback, not hold music for ever', async () => {
    const id = await addCustomer(h, { tier: 'standard' });
    await verifiedP1(h, sid('8'), id, '+14155550008');
    expect((await wait(h, sid('8'))).body).toContain('You are number 1 in line');
    expect((await api(h, 'PATCH', `/api/agents/${agentId}`, { onDuty: false })).status).toBe(200);
    expect((await wait(h, sid('8'))).body).toContain('<Leave/>');
    const left = await postSigned(h, '/voice/step?step=3', callParams(sid('8'), { From: '+14155550008', QueueResult: 'leave' }));
    expect(left.body).toMatch(/No engineer could take your call right now, so we have booked a priority 1 callback\. An engineer will call you within 2 hours/);
    expect((await h.hotline.store.queue.waiting())).toEqual([]);
    expect((await api(h, 'GET', '/api/callbacks')).body.items).toEqual([expect.objectContaining({ customerId: id, priority: 'P1', phone: '+14155550008' })]);
  });

  it("a caller who hangs up while an agent rings stays out of the queue when the Dial's action comes after the final status", async () => {
    const id = await addCustomer(h, { tier: 'premium' });
    await verifiedP1(h, sid('9'), id, '+14155550009');
    h.clock.advance(AGENT_OFFER_HOLD_MS + 1_000); // Ann's offer of the first call runs out
    expect((await wait(h, sid('9'))).body).toContain('<Leave/>');
    const ringing = await postSigned(h, '/voice/step?step=3', callParams(sid('9'), { From: '+14155550009', QueueResult: 'leave' }));
    expect(ringing.body).toContain(`agent=${agentId}`);
    // The caller hangs up while Ann's phone rings; Twilio's final status arrives before the Dial's action.
    await postSigned(h, '/voice/status', callParams(sid('9'), { CallStatus: 'completed' }));
    await postSigned(h, '/voice/step?step=4', callParams(sid('9'), { From: '+14155550009', DialCallStatus: 'canceled', DialBridged: 'false' }));
    expect((await h.hotline.store.queue.get(sid('9')))).toMatchObject({ status: 'left' });
    expect((await h.hotline.store.calls.get(sid('9')))).toMatchObject({ outcome: 'abandoned' });
    // Nobody is left waiting for the wait URL of a call that is over, ahead of every later caller.
    expect((await h.hotline.store.queue.waiting())).toEqual([]);
  });

  it('a caller who hangs up while waiting leaves the queue', async () => {
    await verifiedP1(h, sid('5'), await addCustomer(h), '+14155550005');
    await postSigned(h, '/voice/status', callParams(sid('5'), { CallStatus: 'completed' }));
    expect((await h.hotline.store.queue.waiting())).toEqual([]);
    expect((await h.hotline.store.calls.get(sid('5')))).toMatchObject({ outcome: 'abandoned' });
  });
});

describeEngines('places in the P1 queue, counted in the database', (engine) => {
  let h: Harness;
  beforeEach(async () => {
    h = await startHarness({ engine });
  });
  afterEach(async () => h.close());

  it('gives every waiting caller the place the queue will offer them in, ties and departures included', async () => {
    const queue = h.hotline.store.queue;
    const customerId = await addCustomer(h, { name: 'Queued' });
    const callSid = (n: number) => `CA${String(n).padStart(32, '0')}`;
    // 40 callers, mixed tiers, several enqueued in the same millisecond.
    for (let n = 0; n < 40; n++) {
      const tier = n % 3 === 0 ? 'premium' : 'standard';
      await queue.enqueue({ callSid: callSid(n), customerId, tier, language: 'en-US' }, 1_000 + Math.floor(n / 4));
    }
    await queue.requestCallback(callSid(5), 2_000);
    await queue.abandon(callSid(6), 2_000);
    const order = (await queue.waiting()).map((e) => e.callSid);
    expect(order).toHaveLength(38);
    const tiers = await Promise.all(order.slice(0, 13).map(async (s) => (await queue.get(s))!.tier));
    expect(tiers.every((tier) => tier === 'premium')).toBe(true);
    expect(await Promise.all(order.map((s) => queue.position(s)))).toEqual(order.map((_, i) => i + 1));
    expect(await queue.position(callSid(5))).toBeNull();
    expect(await queue.position(callSid(6))).toBeNull();
    expect(await queue.position('CA'.padEnd(34, 'f'))).toBeNull();
    expect(await queue.waitingCount()).toBe(38);
  });
});
