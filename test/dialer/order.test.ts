import { afterEach, beforeEach, expect, it } from 'vitest';
import { AGENT_OFFER_HOLD_MS } from '../../src/domain/serviceNumbers.js';
import { CallWalker } from '../../src/simulator/walker.js';
import { scripted, type ScriptToken } from '../../src/simulator/input.js';
import { CALLER, dashboardCode, LINE, placeCall } from '../support/calls.js';
import { api, type Harness } from '../support/harness.js';
import { callParams, postSigned } from '../support/twilioRequests.js';
import { addAgent, addCustomer, callbackInApi, callbackOf, MINUTE, scheduleCallback, startDialerHarness, type DialerHarness } from './support.js';
import { describeEngines } from '../support/postgres.js';

describeEngines('callback dialer: who is called first', (engine) => {
  let d: DialerHarness;
  beforeEach(async () => {
    d = await startDialerHarness({ engine });
  });
  afterEach(async () => d.close());

  it('takes the earliest deadline first, then Premium before Standard, then P1 before P2', async () => {
    const { h } = d;
    const { customerId } = await addCustomer(h);
    const standardP2 = await scheduleCallback(h, customerId, { tier: 'standard', priority: 'P2', dueInMs: 120 * MINUTE });
    const premiumP2 = await scheduleCallback(h, customerId, { tier: 'premium', priority: 'P2', dueInMs: 120 * MINUTE });
    const standardP1 = await scheduleCallback(h, customerId, { tier: 'standard', priority: 'P1', dueInMs: 120 * MINUTE });
    const premiumP1 = await scheduleCallback(h, customerId, { tier: 'premium', priority: 'P1', dueInMs: 120 * MINUTE });
    const earliest = await scheduleCallback(h, customerId, { tier: 'standard', priority: 'P2', dueInMs: 90 * MINUTE });
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
    const first = await scheduleCallback(h, customerId, { dueInMs: 60 * MINUTE });
    const second = await scheduleCallback(h, customerId, { dueInMs: 70 * MINUTE });
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
    await scheduleCallback(h, customerId, { language: 'ja-JP' });

    await d.worker.tick();

    expect(d.twilio.apiCalls.map((c) => c.to)).toEqual([speaker.phone]);
  });

  it('dials nobody while no agent is on duty, and the callback stays pending', async () => {
    const { h } = d;
    const { customerId } = await addCustomer(h);
    const callback = await scheduleCallback(h, customerId);

    const report = await d.worker.tick();

    expect(report.claimed).toBe(0);
    expect(d.twilio.requests).toHaveLength(0);
    expect((await callbackInApi(h, callback.callbackId)).status).toBe('pending');
  });

  it('does not ring an agent whose phone is ringing for a live P1 caller, as the transfer would not offer them another call', async () => {
    const { h, twilio } = d;
    const agent = await addAgent(h);
    const callback = await scheduleCallback(h, (await addCustomer(h, { name: 'Beta Ltd' })).customerId);
    const { customerId } = await addCustomer(h);
    const rung: Array<{ number: string; dialerCalls: number }> = [];
    const walker = new CallWalker({
      baseUrl: h.url,
      publicBaseUrl: h.config.publicBaseUrl,
      authToken: h.config.twilio.authToken,
      accountSid: h.config.twilio.accountSid,
      from: CALLER,
      to: LINE,
      input: {
        ...scripted([`${customerId}#`, await dashboardCode(h, customerId), '1']),
        // The dialer ticks while the agent's phone rings for the P1 caller; the agent then accepts.
        async agentAnswer(ring) {
          await d.worker.tick();
          rung.push({ number: ring.number, dialerCalls: twilio.apiCalls.length });
          return 'accept' as const;
        },
      },
    });
    await walker.walk();

    expect(rung).toEqual([{ number: agent.phone, dialerCalls: 0 }]);
    expect((await callbackInApi(h, callback.callbackId)).status).toBe('pending');

    // The P1 call is over and the hold after its offer has passed: the agent is the dialer's again.
    h.clock.advance(AGENT_OFFER_HOLD_MS);
    await d.worker.tick();
    expect(twilio.apiCalls.map((c) => c.to)).toEqual([agent.phone]);
    expect(twilio.apiCalls.map(callbackOf)).toEqual([callback.callbackId]);
  });

  it('leaves a callback an agent has claimed in the console to that agent, and dials it once released', async () => {
    const { h } = d;
    const { customerId } = await addCustomer(h);
    const claimed = await scheduleCallback(h, customerId, { dueInMs: 60 * MINUTE });
    const other = await scheduleCallback(h, customerId, { dueInMs: 70 * MINUTE });
    const holder = await addAgent(h);
    await addAgent(h);
    await addAgent(h);
    expect(await h.hotline.store.desk.claim(claimed.callbackId, holder.agentId, h.clock.now())).toBeNull();

    await d.worker.tick();

    // The earlier deadline is the agent's to call: the dialer rings someone for the other one only.
    expect(d.twilio.apiCalls.map(callbackOf)).toEqual([other.callbackId]);
    expect((await callbackInApi(h, claimed.callbackId)).status).toBe('pending');

    expect(await h.hotline.store.desk.release(claimed.callbackId, holder.agentId, h.clock.now())).toBeNull();
    await d.worker.tick();

    expect(d.twilio.apiCalls.map(callbackOf)).toEqual([other.callbackId, claimed.callbackId]);
    expect((await callbackInApi(h, claimed.callbackId)).status).toBe('dialing');
  });
});

describeEngines('callback dialer: the call that booked the callback', (engine) => {
  let d: DialerHarness;
  beforeEach(async () => {
    d = await startDialerHarness({ engine });
  });
  afterEach(async () => d.close());

  /** A call through the phone simulator whose end Twilio never reports (the test posts /voice/status itself). */
  const callWithoutStatus = (h: Harness, tokens: ScriptToken[]) =>
    new CallWalker({
      baseUrl: h.url,
      publicBaseUrl: h.config.publicBaseUrl,
      authToken: h.config.twilio.authToken,
      accountSid: h.config.twilio.accountSid,
      from: CALLER,
      to: LINE,
      input: scripted(tokens),
      statusCallbackPath: null,
    });

  const bookedCallbacks = async (h: Harness) => (await api(h, 'GET', '/api/callbacks')).body.items as Array<Record<string, any>>;

  it('does not ring anyone for a P2 callback while its caller is still on the line, and rings an agent once they hang up', async () => {
    const { h, twilio } = d;
    const agent = await addAgent(h);
    const { customerId } = await addCustomer(h);
    const seen: Array<{ calls: number; status: unknown }> = [];
    // Ticks of the dialer while the caller chooses at the P2 menu and while they record a description.
    const tickDuringCall = async () => {
      await d.worker.tick();
      seen.push({ calls: twilio.apiCalls.length, status: (await bookedCallbacks(h))[0]?.status });
    };

    const call = await placeCall(h, [
      `${customerId}#`,
      await dashboardCode(h, customerId),
      '2',
      async () => (await tickDuringCall(), '2'),
      async () => (await tickDuringCall(), 'our origin in Osaka is unreachable'),
    ]);
    expect(call.said()).toContainEqual(expect.stringContaining('We have booked a callback'));
    expect(seen).toEqual([
      { calls: 0, status: 'pending' },
      { calls: 0, status: 'pending' },
    ]);

    await d.worker.tick();
    expect(twilio.apiCalls.map((c) => c.to)).toEqual([agent.phone]);
    expect(twilio.apiCalls.map(callbackOf)).toEqual([(await bookedCallbacks(h))[0]!.callbackId]);
  });

  it('holds a P1 callback booked when nobody could take the call until the status callback ends the call', async () => {
    const { h, twilio } = d;
    const { customerId } = await addCustomer(h);
    // Nobody is on duty: the caller hears the callback promise, and an agent comes on duty before they hang up.
    const walker = callWithoutStatus(h, [`${customerId}#`, await dashboardCode(h, customerId), '1']);
    const call = await walker.walk();
    expect(call.said()).toContainEqual(expect.stringContaining('we have booked a priority 1 callback'));
    const [booked] = await bookedCallbacks(h);
    expect(booked).toMatchObject({ priority: 'P1', reason: 'no-agent-answered', status: 'pending' });
    const agent = await addAgent(h);

    await d.worker.tick();
    expect(twilio.apiCalls, 'the caller is still on the line').toHaveLength(0);

    expect((await postSigned(h, '/voice/status', callParams(walker.callSid, { CallStatus: 'completed', CallDuration: '40' }))).status).toBe(200);
    await d.worker.tick();
    expect(twilio.apiCalls.map((c) => c.to)).toEqual([agent.phone]);
  });

  it('holds a P1 callback booked from the queue after a long wait until that caller hangs up', async () => {
    const { h, twilio } = d;
    const ann = await addAgent(h, { name: 'Ann' });
    const caller = (callSid: string, extra: Record<string, string> = {}) => callParams(callSid, { From: CALLER, ...extra });
    const verifiedP1 = async (callSid: string) => {
      const { customerId } = await addCustomer(h);
      await postSigned(h, '/voice/incoming', caller(callSid));
      await postSigned(h, '/voice/step?step=0', caller(callSid, { Digits: customerId }));
      await postSigned(h, '/voice/step?step=1', caller(callSid, { Digits: await dashboardCode(h, customerId) }));
      return (await postSigned(h, '/voice/step?step=2', caller(callSid, { Digits: '1' }))).body;
    };
    // Ann takes a first P1 caller; a second one waits in the queue for 20 minutes, then presses 1 for a callback.
    const first = `CA${'1'.repeat(32)}`;
    const second = `CA${'2'.repeat(32)}`;
    expect(await verifiedP1(first)).toContain(`agent=${ann.agentId}`);
    await postSigned(h, `/voice/whisper/accept?call=${first}&agent=${ann.agentId}&lang=en-US`, caller(`CA${'3'.repeat(32)}`, { Digits: '1' }));
    expect(await verifiedP1(second)).toContain('hotline-p1</Enqueue>');
    h.clock.advance(20 * MINUTE);
    expect((await postSigned(h, `/voice/queue/key?call=${second}`, caller(second, { Digits: '1' }))).body).toContain('<Leave/>');
    const booked = await postSigned(h, '/voice/step?step=3', caller(second, { QueueResult: 'leave' }));
    expect(booked.body).toContain('booked a priority 1 callback');
    // Ben comes on duty while that caller is still hearing the promise.
    const ben = await addAgent(h, { name: 'Ben' });

    await d.worker.tick();
    expect(twilio.apiCalls, 'the caller is still on the line').toHaveLength(0);

    await postSigned(h, '/voice/status', caller(second, { CallStatus: 'completed' }));
    await d.worker.tick();
    expect(twilio.apiCalls.map((c) => c.to)).toEqual([ben.phone]);
  });

  it("stops holding a callback back 15 minutes after its call's last step when the end of the call is never reported", async () => {
    const { h, twilio } = d;
    await addAgent(h);
    const { customerId } = await addCustomer(h);
    await callWithoutStatus(h, [`${customerId}#`, await dashboardCode(h, customerId), '2', '']).walk();
    expect(await bookedCallbacks(h)).toMatchObject([{ priority: 'P2', status: 'pending' }]);

    h.clock.advance(15 * MINUTE - 1000);
    await d.worker.tick();
    expect(twilio.apiCalls).toHaveLength(0);

    h.clock.advance(1000);
    await d.worker.tick();
    expect(twilio.apiCalls).toHaveLength(1);
  });
});
