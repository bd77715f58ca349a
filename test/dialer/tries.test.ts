import { AGENT_OFFER_HOLD_MS } from '../../src/domain/serviceNumbers.js';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { agentWithPassword, ConsoleClient } from '../console/support/consoleClient.js';
import { TEST_ADMIN_TOKEN } from '../support/harness.js';
import { spokenText, verbsOf } from '../support/twilioStandIn.js';
import {
  addAgent,
  addCustomer,
  agentAccepts,
  agentAnswers,
  callbackInApi,
  MINUTE,
  playRound,
  scheduleCallback,
  startDialerHarness,
  type DialerHarness,
} from './support.js';
import { describeEngines } from '../support/postgres.js';

const metricsText = async (h: DialerHarness['h']) =>
  (await fetch(`${h.url}/metrics`, { headers: { authorization: `Bearer ${TEST_ADMIN_TOKEN}` } })).text();

describeEngines('callback dialer: agent first, then tries at the customer', (engine) => {
  let d: DialerHarness;
  beforeEach(async () => {
    d = await startDialerHarness({ engine });
  });
  afterEach(async () => d.close());

  it('whispers the customer, tier, priority, reason, time left and the recording, and dials the customer on 1', async () => {
    const { h, twilio } = d;
    const { customerId } = await addCustomer(h, { name: 'Acme Corp', tier: 'premium' });
    await addAgent(h);
    await scheduleCallback(h, customerId, { dueInMs: 47 * MINUTE + 30_000, phone: '+14155550123' });
    await d.worker.tick();

    const call = twilio.apiCalls[0]!;
    const { accepted, order, whisper } = await agentAccepts(twilio, call);

    const text = spokenText(whisper);
    expect(text).toContain('Premium Enterprise customer Acme Corp');
    expect(text).toContain(`ID ending ${customerId.slice(-4).split('').join(' ')}`);
    expect(text).toContain('priority 2');
    expect(text).toContain('one location or region');
    expect(text).toContain('47 minutes left to the deadline');
    expect(text).toContain('Press 1 to accept');
    expect(spokenText(accepted)).toContain('Calling the customer now');
    expect(order).toMatchObject({ number: '+14155550123', callerId: '+15005550006', timeout: 30 });
    expect(order!.statusCallbackEvents).toEqual(['initiated', 'ringing', 'answered', 'completed']);
  });

  it('plays the recorded description in the whisper', async () => {
    const { h, twilio } = d;
    const { customerId } = await addCustomer(h);
    await addAgent(h);
    const now = h.clock.now();
    const callback = await h.hotline.store.callbacks.schedule({
      reference: '7654321',
      customerId,
      callSid: `CA${'7'.repeat(32)}`,
      priority: 'P2',
      tier: 'standard',
      phone: '+14155550124',
      language: 'en-US',
      reason: 'p2',
      createdAt: now,
      dueAt: now + 4 * 60 * MINUTE,
    });
    await h.hotline.store.callbacks.attachRecording(callback.callSid!, 'https://api.twilio.com/recordings/RE1', 12, now);
    await d.worker.tick();

    const { whisper } = await agentAnswers(twilio, twilio.apiCalls[0]!);
    const plays = whisper.children.flatMap((v) => v.children).filter((v) => v.name === 'Play');
    expect(plays.map((p) => p.text)).toEqual(['https://api.twilio.com/recordings/RE1']);
    expect(spokenText(whisper)).toContain('Their recorded description');
  });

  it('tries the customer again 5 minutes after a missed try, and fails the callback after 3 tries', async () => {
    const { h, twilio } = d;
    const { customerId } = await addCustomer(h);
    await addAgent(h);
    const callback = await scheduleCallback(h, customerId, { dueInMs: 3 * 60 * MINUTE });

    const first = await playRound(d, 'no-answer');
    expect(spokenText(first.afterDial)).toContain('did not answer. We will try again in 5 minutes');
    let shown = await callbackInApi(h, callback.callbackId);
    expect(shown).toMatchObject({ status: 'pending', attempts: 1, lastError: 'customer no-answer (try 1 of 3)' });
    expect(shown.nextAttemptAt).toBe(new Date(h.clock.now() + 5 * MINUTE).toISOString());

    h.clock.advance(5 * MINUTE - 1000);
    await d.worker.tick();
    expect(twilio.apiCalls, 'not before 5 minutes').toHaveLength(1);

    h.clock.advance(1000);
    const second = await playRound(d, 'busy');
    expect(spokenText(second.whisper)).toContain('This is try 2 at the customer');
    shown = await callbackInApi(h, callback.callbackId);
    expect(shown).toMatchObject({ status: 'pending', attempts: 2, lastError: 'customer busy (try 2 of 3)' });

    h.clock.advance(5 * MINUTE);
    const third = await playRound(d, 'no-answer');
    expect(spokenText(third.afterDial)).toContain('marked failed');
    shown = await callbackInApi(h, callback.callbackId);
    expect(shown).toMatchObject({ status: 'failed', attempts: 3, lastError: 'customer no-answer (try 3 of 3)' });

    h.clock.advance(60 * MINUTE);
    await d.worker.tick();
    expect(twilio.apiCalls, 'a failed callback is not dialed again').toHaveLength(3);
    expect(h.logs.text).toContain('callback failed: the customer did not answer any try');
    const metrics = await metricsText(h);
    expect(metrics).toContain('hotline_callback_customer_tries_total{result="no-answer"} 2');
    expect(metrics).toContain('hotline_callback_customer_tries_total{result="busy"} 1');
  });

  it('counts a callback answered by voicemail as a missed try, never as kept, and says so on both ends', async () => {
    const { h, twilio } = d;
    const { customerId } = await addCustomer(h);
    await addAgent(h);
    const callback = await scheduleCallback(h, customerId, { dueInMs: 3 * 60 * MINUTE });

    const first = await playRound(d, 'voicemail');
    // What the voicemail records: who called, and when the next try comes.
    expect(spokenText(first.announcement!)).toContain('Press any key to be connected to an engineer.');
    expect(spokenText(first.announcement!)).toContain('We will call you again in 5 minutes.');
    expect(spokenText(first.afterDial)).toContain('nobody pressed a key: perhaps a voicemail. We will try again in 5 minutes');
    const shown = await callbackInApi(h, callback.callbackId);
    expect(shown).toMatchObject({
      status: 'pending',
      attempts: 1,
      connectedAt: null,
      lastError: 'customer answered but pressed no key (voicemail?) (try 1 of 3)',
    });

    h.clock.advance(5 * MINUTE);
    await playRound(d, 'voicemail');
    h.clock.advance(5 * MINUTE);
    const third = await playRound(d, 'voicemail');
    expect(spokenText(third.announcement!), 'the last try says there is no other').toContain('This was our last try.');
    expect(spokenText(third.afterDial)).toContain('That was the last try. The callback is marked failed');
    expect(await callbackInApi(h, callback.callbackId)).toMatchObject({ status: 'failed', attempts: 3, connectedAt: null });
    expect(twilio.apiCalls).toHaveLength(3);
    // Operators see it: each try counted once, though both the status callback and the Dial's action reported it.
    expect(await metricsText(h)).toContain('hotline_callback_customer_tries_total{result="no_key"} 3');
    // Agents see each try on the callback's page, to decide what to do next (a text, another number).
    const { agent, password } = await agentWithPassword(h, { name: 'Mia Desk' });
    const c = new ConsoleClient(h);
    await c.signIn(agent.agentId, password);
    const page = (await c.get(`/console/callbacks/${callback.callbackId}`)).text;
    expect(page.match(/answered, but no key pressed: a voicemail, most likely/g)).toHaveLength(3);
  });

  it("asks a Japanese customer for the key in Japanese, and connects on it", async () => {
    const { h } = d;
    const { customerId } = await addCustomer(h);
    await addAgent(h, { languages: ['ja-JP', 'en-US'] });
    const callback = await scheduleCallback(h, customerId, { language: 'ja-JP' });

    const round = await playRound(d, 'answers');
    const says = verbsOf(round.announcement!).filter((v) => v.name === 'Say');
    expect(says.every((s) => s.attrs.language === 'ja-JP')).toBe(true);
    expect(spokenText(round.announcement!)).toContain('エンジニアにおつなぎしますので、いずれかのボタンを押してください。');
    expect(spokenText(round.connecting!)).toBe('おつなぎします。');
    expect(await h.hotline.store.desk.customerTries(callback.callbackId)).toEqual([
      { at: expect.any(Number), status: 'completed', confirmedAt: h.clock.now() },
    ]);
    expect(await metricsText(h)).toContain('hotline_callback_customer_tries_total{result="connected"} 1');
    expect(await callbackInApi(h, callback.callbackId)).toMatchObject({ status: 'completed', attempts: 0 });
  });

  it('lets an agent removed while their phone rang take nothing: the callback waits for the next round', async () => {
    const { h, twilio } = d;
    const { customerId } = await addCustomer(h);
    const agent = await addAgent(h);
    const callback = await scheduleCallback(h, customerId);
    await d.worker.tick();
    const call = twilio.apiCalls[0]!;
    await h.hotline.store.agents.remove(agent.agentId, h.clock.now());

    const { text, gather } = await agentAnswers(twilio, call);
    expect(text).toContain('already been taken or is no longer waiting');
    expect(gather).toBeUndefined();
    await twilio.sendStatus(call, 'completed');
    expect(await callbackInApi(h, callback.callbackId)).toMatchObject({ status: 'pending', attempts: 0, lastError: 'no agent accepted' });
  });

  it('counts a customer number Twilio could not dial at all as a try, once', async () => {
    const { h, twilio } = d;
    const { customerId } = await addCustomer(h);
    await addAgent(h);
    const callback = await scheduleCallback(h, customerId);
    await d.worker.tick();
    const call = twilio.apiCalls[0]!;
    const { order } = await agentAccepts(twilio, call);

    // The Dial fails before any child leg exists: no DialCallSid, and Twilio may post the action twice.
    const afterDial = await twilio.action(call, order!.action!, { DialCallStatus: 'failed' });
    await twilio.action(call, order!.action!, { DialCallStatus: 'failed' });
    await twilio.sendStatus(call, 'completed');

    expect(spokenText(afterDial)).toContain('did not answer');
    expect(await callbackInApi(h, callback.callbackId)).toMatchObject({ status: 'pending', attempts: 1, lastError: 'customer failed (try 1 of 3)' });
  });

  it('does not count a round no agent accepted as a try, and rings an agent again', async () => {
    const { h, twilio } = d;
    const { customerId } = await addCustomer(h);
    await addAgent(h);
    await addAgent(h);
    const callback = await scheduleCallback(h, customerId);

    await d.worker.tick();
    const declined = twilio.apiCalls[0]!;
    const { accepted } = await agentAccepts(twilio, declined, '2');
    expect(spokenText(accepted)).toContain('Not accepted');
    await twilio.sendStatus(declined, 'completed');
    let shown = await callbackInApi(h, callback.callbackId);
    expect(shown).toMatchObject({ status: 'pending', attempts: 0, lastError: 'no agent accepted' });

    await d.worker.tick();
    expect(twilio.apiCalls, 'the next round waits a little').toHaveLength(1);
    h.clock.advance(30_000);
    await d.worker.tick();
    expect(twilio.apiCalls).toHaveLength(2);
    expect(twilio.apiCalls[1]!.to, 'the other agent is rung next').not.toBe(declined.to);

    await twilio.sendStatus(twilio.apiCalls[1]!, 'no-answer');
    shown = await callbackInApi(h, callback.callbackId);
    expect(shown).toMatchObject({ status: 'pending', attempts: 0 });
  });

  it('puts the callback back when calls.create fails, with the reason for agents to read', async () => {
    const { h, twilio } = d;
    const { customerId } = await addCustomer(h);
    await addAgent(h);
    const callback = await scheduleCallback(h, customerId);
    twilio.failNext('calls', { status: 400, code: 21215, message: 'Account not authorized to call +14155550100.' });

    await d.worker.tick();

    const shown = await callbackInApi(h, callback.callbackId);
    expect(shown.status).toBe('pending');
    expect(shown.attempts).toBe(0);
    expect(shown.lastError).toContain('Account not authorized to call');
    expect(shown.lastError).not.toContain('+14155550100');
    h.clock.advance(AGENT_OFFER_HOLD_MS); // the agent reserved for the failed placement is free again
    await d.worker.tick();
    expect(twilio.apiCalls).toHaveLength(1);
  });
});
