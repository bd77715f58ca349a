import { generateSync } from 'otplib';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { api, startHarness, type Harness } from '../support/harness.js';
import { addAgent, addCustomer, dashboardCode, placeCall } from '../support/calls.js';
import { describeEngines } from '../support/postgres.js';

describeEngines('a verified P1 call', (engine) => {
  let h: Harness;
  beforeEach(async () => {
    h = await startHarness({ engine });
  });
  afterEach(async () => h.close());

  it('with the dashboard code reaches an on-duty agent, whose whisper names the account and waits for 1', async () => {
    const id = await addCustomer(h, { name: 'Acme Robotics', tier: 'premium' });
    await addAgent(h, { name: 'Ann', phone: '+15550000001' });
    const call = await placeCall(h, [`${id}#`, await dashboardCode(h, id), '1', 'agent:accept']);

    expect(call.said()).toContain('You are verified.');
    expect(call.said()).toContain('Connecting you to an engineer.');
    expect(call.dials()).toHaveLength(1);
    expect(call.dials()[0]!.number).toBe('+15550000001');
    expect(call.dials()[0]!.url).toMatch(/\/voice\/whisper\?call=CA[0-9a-f]{32}&agent=\d+$/);
    expect(call.agentHeard()[0]).toBe(
      `Verified Premium Enterprise customer Acme Robotics, ID ending ${id.slice(-4).split('').join(' ')}, priority 1. Press 1 to accept.`,
    );
    expect(call.events.find((e) => e.kind === 'dial-result')).toMatchObject({ bridged: true });
    expect(call.ok).toBe(true);
    const record = (await h.hotline.store.calls.get(call.callSid));
    expect(record).toMatchObject({ outcome: 'transferred', priority: 'P1', customerId: id });
  });

  it('with a code from an enrolled authenticator app reaches the agent too', async () => {
    const id = await addCustomer(h, { tier: 'standard' });
    await addAgent(h, { phone: '+15550000001' });
    const enrolled = await api(h, 'POST', `/api/customers/${id}/authenticator`);
    const appCode = (atMs: number) => generateSync({ secret: enrolled.body.secret, epoch: Math.floor(atMs / 1000) });
    // Confirm with the previous step's code so the current one is still unspent for the call.
    expect((await api(h, 'POST', `/api/customers/${id}/authenticator/confirm`, { code: appCode(h.clock.now() - 30_000) })).status).toBe(200);
    const call = await placeCall(h, [`${id}#`, appCode(h.clock.now()), '1']);
    expect(call.dials()).toHaveLength(1);
    expect(call.agentHeard()[0]).toContain('Verified Standard Enterprise customer');
  });

  it('when the agent presses no key, the next agent rings; when nobody accepts, a P1 callback is promised', async () => {
    const id = await addCustomer(h, { tier: 'premium' });
    await addAgent(h, { phone: '+15550000001' });
    await addAgent(h, { phone: '+15550000002' });
    const call = await placeCall(h, [`${id}#`, await dashboardCode(h, id), '1', 'agent:no-key', 'agent:no-answer']);

    expect(call.dials().map((d) => d.number)).toEqual(['+15550000001', '+15550000002']);
    expect(call.said()).toContain('Still trying to reach an engineer. Please hold.');
    expect(call.said().at(-1)).toMatch(/booked a priority 1 callback\. An engineer will call you within 1 hour of your call, by 1:00 PM UTC/);
    const callbacks = (await api(h, 'GET', '/api/callbacks')).body.items;
    expect(callbacks).toEqual([
      expect.objectContaining({ customerId: id, priority: 'P1', reason: 'no-agent-answered', status: 'pending', dueAt: '2026-11-23T13:00:00.000Z' }),
    ]);
  });

  it('with nobody on duty becomes a P1 callback due in the P1 target (Standard: 2 hours)', async () => {
    const id = await addCustomer(h, { tier: 'standard' });
    await addAgent(h, { phone: '+15550000001', onDuty: false });
    const call = await placeCall(h, [`${id}#`, await dashboardCode(h, id), '1']);
    expect(call.dials()).toEqual([]);
    expect(call.said().at(-1)).toMatch(/within 2 hours of your call, by 2:00 PM UTC/);
    const [callback] = (await api(h, 'GET', '/api/callbacks')).body.items;
    expect(callback).toMatchObject({ priority: 'P1', dueAt: '2026-11-23T14:00:00.000Z', customerId: id });
  });

  it('a ja-JP call rings Japanese-speaking agents first', async () => {
    await api(h, 'PUT', '/api/numbers/+15555550199', { language: 'ja-JP' });
    const id = await addCustomer(h);
    await addAgent(h, { phone: '+15550000001', languages: ['en-US'] });
    await addAgent(h, { phone: '+15550000002', languages: ['ja-JP'] });
    const call = await placeCall(h, [`${id}#`, await dashboardCode(h, id), '1']);
    expect(call.dials()[0]!.number).toBe('+15550000002');
  });

  it('an agent who does not speak the call\'s language hears the whisper and the confirmation in their own', async () => {
    await api(h, 'PUT', '/api/numbers/+15555550199', { language: 'ja-JP' });
    const id = await addCustomer(h);
    await addAgent(h, { phone: '+15550000001', languages: ['en-US'] });
    const call = await placeCall(h, [`${id}#`, await dashboardCode(h, id), '1', 'agent:accept']);
    expect(call.events.find((e) => e.kind === 'dial-result')).toMatchObject({ bridged: true });
    const agentLeg = call.twiml.join('');
    expect(agentLeg).toMatch(/<Say voice="Polly.Joanna" language="en-US">Verified /);
    expect(agentLeg).toContain('<Say voice="Polly.Joanna" language="en-US">Connecting.</Say>');
    expect(agentLeg).not.toContain('language="ja-JP">おつなぎします。</Say>');
  });
});

describe('Twilio connection overrides (HOTLINE_TWILIO_CONNECTION_OVERRIDES)', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await startHarness({ env: { HOTLINE_TWILIO_CONNECTION_OVERRIDES: 'ct=1500&rt=6000&rc=1' } });
  });
  afterEach(async () => h.close());

  it('are on every webhook URL the server writes into TwiML, and the call goes through as Twilio signs it', async () => {
    const id = await addCustomer(h);
    await addAgent(h, { phone: '+15550000001' });
    const call = await placeCall(h, [`${id}#`, await dashboardCode(h, id), '1', 'agent:accept']);

    expect(call.ok).toBe(true);
    expect(call.events.find((e) => e.kind === 'dial-result')).toMatchObject({ bridged: true });
    expect(call.dials()[0]!.url).toMatch(/\/voice\/whisper\?call=CA[0-9a-f]{32}&agent=\d+#ct=1500&rt=6000&rc=1$/);
    const actions = call.twiml.join('').match(/(action|url)="[^"]*"/g) ?? [];
    expect(actions.length).toBeGreaterThan(3);
    for (const attribute of actions) expect(attribute).toMatch(/#ct=1500&amp;rt=6000&amp;rc=1"$/);
    expect(call.twiml.join('')).toContain('/voice/whisper/accept?');
  });
});

