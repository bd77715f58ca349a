import { afterEach, beforeEach, expect, it } from 'vitest';
import { AGENT_OFFER_HOLD_MS } from '../../src/domain/serviceNumbers.js';
import { api } from '../support/harness.js';
import { addCustomer, CALLER, dashboardCode, placeCall } from '../support/calls.js';
import { spokenText } from '../support/twilioStandIn.js';
import { addAgent, agentAccepts, CALLER_ID, callbackInApi, customerLeg, playRound, scheduleCallback, startDialerHarness, type DialerHarness } from './support.js';
import { describeEngines } from '../support/postgres.js';

describeEngines('a P2 callback from call to completion', (engine) => {
  let d: DialerHarness;
  afterEach(async () => d.close());

  it('is texted, dialed agent first through Twilio, connected and completed', async () => {
    d = await startDialerHarness({ engine });
    const { h, twilio } = d;
    const agent = await addAgent(h, { name: 'Kenji' });
    const id = await addCustomer(h, { name: 'Acme Robotics', tier: 'premium' });

    // The customer's P2 call in the phone simulator books the callback.
    const call = await placeCall(h, [`${id}#`, await dashboardCode(h, id), '2', '']);
    expect(call.said()).toContainEqual(expect.stringContaining('We have booked a callback. An engineer will call you within 2 hours'));
    const [booked] = (await api(h, 'GET', '/api/callbacks')).body.items;
    expect(booked).toMatchObject({ status: 'pending', sla: 'on_time', priority: 'P2', phone: CALLER, attempts: 0 });
    await h.hotline.callbackDialing.confirmations.idle();
    expect(twilio.messages.map((m) => m.body)).toEqual([expect.stringContaining(`Your reference is ${booked.reference}.`)]);

    // Ten minutes later the dialer rings the agent first.
    h.clock.advance(10 * 60_000);
    await d.worker.tick();
    expect(twilio.apiCalls).toHaveLength(1);
    const agentCall = twilio.apiCalls[0]!;
    expect(agentCall).toMatchObject({ to: agent.phone, from: CALLER_ID });
    expect((await api(h, 'GET', '/api/callbacks')).body.items[0].status).toBe('dialing');

    const { whisper, order } = await agentAccepts(twilio, agentCall);
    expect(spokenText(whisper)).toContain('Premium Enterprise customer Acme Robotics');
    expect(spokenText(whisper)).toContain('110 minutes left to the deadline');
    expect(order).toMatchObject({ number: CALLER, callerId: CALLER_ID });
    expect((await h.hotline.store.agents.get(agent.agentId))?.state, 'the accepting agent is on a call').toBe('on-call');

    const { announcement, connecting, afterDial } = await customerLeg(twilio, agentCall, order!, 'answers');
    expect(spokenText(announcement!)).toContain(
      `Hello, this is the emergency support line, calling you back about your request, reference ${booked.reference.split('').join(' ')}. Press any key to be connected to an engineer.`,
    );
    expect(spokenText(connecting!)).toBe('Connecting you now.');
    expect(spokenText(afterDial)).toContain('The call with the customer has ended');

    const [done] = (await api(h, 'GET', '/api/callbacks')).body.items;
    expect(done).toMatchObject({
      status: 'completed',
      sla: 'on_time',
      attempts: 0,
      connectedAt: new Date(h.clock.now()).toISOString(),
      lastError: null,
    });
    // The agent is free again for the next call, once the hold after the dialer's offer has passed.
    h.clock.advance(AGENT_OFFER_HOLD_MS);
    expect((await h.hotline.store.agents.freeOnDutyAt(h.clock.now())).map((a) => a.agentId)).toEqual([agent.agentId]);
  });
});

describeEngines('a callback with Twilio connection overrides configured', (engine) => {
  let d: DialerHarness;
  beforeEach(async () => {
    d = await startDialerHarness({ engine, env: { HOTLINE_TWILIO_CONNECTION_OVERRIDES: 'ct=1500&rt=6000&rc=1' } });
  });
  afterEach(async () => d.close());

  it('gives Twilio every webhook URL with them, and the round goes through as Twilio signs it', async () => {
    const customerId = await addCustomer(d.h);
    await addAgent(d.h);
    const callback = await scheduleCallback(d.h, customerId);
    const round = await playRound(d, 'answers');
    expect(round.call.url).toMatch(/\/voice\/callback\/agent\?callback=\d+&leg=\d+#ct=1500&rt=6000&rc=1$/);
    expect(round.order.action).toMatch(/#ct=1500&rt=6000&rc=1$/);
    expect((await callbackInApi(d.h, callback.callbackId)).status).toBe('completed');
  });
});

