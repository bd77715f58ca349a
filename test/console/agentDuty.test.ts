import { afterEach, beforeEach, expect, it } from 'vitest';
import { api, sqlFromOutside, startHarness, type Harness } from '../support/harness.js';
import { callSid, twilioPost } from './support/twilio.js';
import { describeEngines } from '../support/postgres.js';

// Monday 2026-11-23 12:00 UTC is 21:00 in Tokyo.
const MONDAY_NOON_UTC = Date.UTC(2026, 10, 23, 12, 0, 0);
const HOUR = 3_600_000;

describeEngines('duty: the manual switch and the weekly roster', (engine) => {
  let h: Harness;
  beforeEach(async () => {
    h = await startHarness({ engine, now: MONDAY_NOON_UTC });
  });
  afterEach(async () => h.close());

  const agent = async (body: Record<string, unknown> = {}) =>
    (await api(h, 'POST', '/api/agents', { name: 'Aiko', phone: '+81312345678', ...body })).body;

  it('keeps onDuty as the manual switch: true is on, false is off, and duty may follow the roster', async () => {
    const a = await agent({ onDuty: true });
    expect(a).toMatchObject({ onDuty: true, duty: 'on', state: 'available' });
    const off = await api(h, 'PATCH', `/api/agents/${a.agentId}`, { onDuty: false });
    expect(off.body).toMatchObject({ onDuty: false, duty: 'off', state: 'off-duty' });
    const roster = await api(h, 'PATCH', `/api/agents/${a.agentId}`, { duty: 'roster' });
    expect(roster.body).toMatchObject({ duty: 'roster', onDuty: false, roster: null });
  });

  it('puts a roster agent on duty only inside their shift in their own zone', async () => {
    const a = await agent({ duty: 'roster' });
    const put = await api(h, 'PUT', `/api/agents/${a.agentId}/roster`, {
      timeZone: 'asia/tokyo',
      rules: [{ days: ['Mon', 'tue', 'wed', 'thu', 'fri'], start: '09:00', end: '17:00' }],
    });
    expect(put.status).toBe(200);
    expect(put.body).toMatchObject({ timeZone: 'Asia/Tokyo', onRosterNow: false, onDuty: false, state: 'off-duty' });
    expect(await h.hotline.store.agents.onDuty()).toEqual([]);

    h.clock.set(MONDAY_NOON_UTC + 13 * HOUR); // Tuesday 10:00 in Tokyo
    const got = await api(h, 'GET', `/api/agents/${a.agentId}/roster`);
    expect(got.body).toMatchObject({ onRosterNow: true, onDuty: true, state: 'available' });
    expect(got.body.rules).toEqual([{ days: ['mon', 'tue', 'wed', 'thu', 'fri'], start: '09:00', end: '17:00' }]);
    expect((await h.hotline.store.agents.onDuty()).map((x) => x.agentId)).toEqual([a.agentId]);
    // The flow's and the dialer's questions about any instant get the same answer.
    expect(await h.hotline.store.agents.onDutyAt(MONDAY_NOON_UTC)).toEqual([]);
    expect(await h.hotline.store.agents.freeOnDutyAt(MONDAY_NOON_UTC + 13 * HOUR)).toHaveLength(1);

    // Forced off wins over the roster, and forced on over its absence.
    await api(h, 'PATCH', `/api/agents/${a.agentId}`, { onDuty: false });
    expect(await h.hotline.store.agents.onDuty()).toEqual([]);
    h.clock.set(MONDAY_NOON_UTC);
    await api(h, 'PATCH', `/api/agents/${a.agentId}`, { duty: 'on' });
    expect(await h.hotline.store.agents.onDuty()).toHaveLength(1);
  });

  it('routes by what the agents table says now, whoever changed it: another process, or a change rolled back', async () => {
    const a = await agent({ onDuty: true });
    const onDuty = async () => (await h.hotline.store.agents.onDuty()).map((x) => x.agentId);
    expect(await onDuty()).toEqual([a.agentId]);
    // Another process (the CLI, the dialer worker) takes the agent off duty.
    await sqlFromOutside(h, `UPDATE agents SET duty = 'off', on_duty = false WHERE agent_id = ?`, [a.agentId]);
    expect(await onDuty()).toEqual([]);
    await sqlFromOutside(h, `UPDATE agents SET duty = 'on', on_duty = true, languages = '["ja-JP"]' WHERE agent_id = ?`, [a.agentId]);
    expect((await h.hotline.store.agents.onDuty()).map((x) => x.languages)).toEqual([['ja-JP']]);
    // A webhook whose transaction fails takes its change to the agents with it.
    const rollback = await h.hotline.store
      .unitOfWork(async (tx) => {
        await tx.agents.update(a.agentId, { onDuty: false }, MONDAY_NOON_UTC);
        expect((await tx.agents.onDuty()).map((x) => x.agentId)).toEqual([]);
        throw new Error('this webhook fails');
      })
      .catch((err: Error) => err.message);
    expect(rollback).toBe('this webhook fails');
    expect(await onDuty()).toEqual([a.agentId]);
  });

  it('refuses a bad roster with a 400 naming the field', async () => {
    const a = await agent();
    const put = (body: unknown) => api(h, 'PUT', `/api/agents/${a.agentId}/roster`, body);
    const day = { days: ['mon'], start: '09:00', end: '17:00' };
    expect((await put({ timeZone: 'Mars/Olympus_Mons', rules: [day] })).body).toMatchObject({ field: 'timeZone' });
    expect((await put({ rules: [day] })).body).toMatchObject({ field: 'timeZone' });
    expect((await put({ timeZone: 'UTC', rules: [{ ...day, days: ['mon', 'funday'] }] })).body).toMatchObject({ field: 'rules.0.days.1' });
    expect((await put({ timeZone: 'UTC', rules: [day, { ...day, start: '24:00' }] })).body).toMatchObject({ field: 'rules.1.start' });
    expect((await put({ timeZone: 'UTC', rules: [{ ...day, end: '9am' }] })).body).toMatchObject({ field: 'rules.0.end' });
    expect((await put({ timeZone: 'UTC', rules: [{ ...day, end: '09:00' }] })).body).toMatchObject({ field: 'rules.0.end' });
    expect((await put({ timeZone: 'UTC', rules: [{ ...day, days: [] }] })).body).toMatchObject({ field: 'rules.0.days' });
    expect(await put({ timeZone: 'UTC', rules: [], extra: 1 })).toMatchObject({ status: 400, body: { field: 'extra' } });
    expect((await put({ timeZone: 'UTC', rules: [{ ...day, note: 'x' }] })).body).toMatchObject({ field: 'rules.0.note' });
    expect((await api(h, 'PUT', '/api/agents/999/roster', { timeZone: 'UTC', rules: [] })).status).toBe(404);
    expect((await api(h, 'GET', '/api/agents/999/roster')).status).toBe(404);
  });

  it('names the agent number in the path, or the unknown key in the body, that a 400 is about', async () => {
    const a = await agent();
    for (const [method, path] of [['GET', '/api/agents/abc'], ['PATCH', '/api/agents/abc'], ['DELETE', '/api/agents/0'], ['GET', '/api/agents/-1/roster'], ['PUT', '/api/agents/abc/roster']] as const) {
      const res = await api(h, method, path, method === 'PATCH' ? { name: 'X' } : undefined);
      expect(res, `${method} ${path}`).toMatchObject({ status: 400, body: { field: 'id', message: expect.stringMatching(/^id: /) } });
    }
    expect(await api(h, 'POST', '/api/agents', { name: 'Ben', phone: '+14155550100', extra: 1 })).toMatchObject({ status: 400, body: { field: 'extra' } });
    expect(await api(h, 'PATCH', `/api/agents/${a.agentId}`, { name: 'Ben', extra: 1 })).toMatchObject({ status: 400, body: { field: 'extra' } });
    expect((await api(h, 'GET', '/api/agents')).body.items).toMatchObject([{ agentId: a.agentId, name: 'Aiko' }]);
  });

  it('refuses a name with control characters with a 400 naming it, and changes nothing', async () => {
    for (const name of ['\u0000', '\u0000Ben', 'Ben\u001b[2J']) {
      expect(await api(h, 'POST', '/api/agents', { name, phone: '+14155550100' })).toMatchObject({ status: 400, body: { field: 'name' } });
    }
    expect((await api(h, 'GET', '/api/agents')).body.items).toEqual([]);
    const a = await agent();
    expect(await api(h, 'PATCH', `/api/agents/${a.agentId}`, { name: '\u0000' })).toMatchObject({ status: 400, body: { field: 'name' } });
    expect((await api(h, 'GET', `/api/agents/${a.agentId}`)).body.name).toBe('Aiko');
  });

  it('refuses onDuty and duty that contradict each other', async () => {
    const res = await api(h, 'POST', '/api/agents', { name: 'Ben', phone: '+14155550100', onDuty: true, duty: 'off' });
    expect(res).toMatchObject({ status: 400, body: { field: 'duty' } });
    const a = await agent();
    const patch = await api(h, 'PATCH', `/api/agents/${a.agentId}`, { onDuty: false, duty: 'roster' });
    expect(patch).toMatchObject({ status: 400, body: { field: 'duty' } });
  });
});

describeEngines('availability from the call’s webhooks', (engine) => {
  let h: Harness;
  beforeEach(async () => {
    h = await startHarness({ engine, now: MONDAY_NOON_UTC });
  });
  afterEach(async () => h.close());

  it('an agent who accepts the whisper is on a call until the caller’s call ends', async () => {
    const a = (await api(h, 'POST', '/api/agents', { name: 'Aiko', phone: '+81312345678', onDuty: true })).body;
    const customerCall = callSid();
    const agentLeg = callSid();
    await twilioPost(h, `/voice/whisper/accept?call=${customerCall}&agent=${a.agentId}&lang=en-US`, {
      CallSid: agentLeg,
      Digits: '1',
    });
    const busy = (await api(h, 'GET', `/api/agents/${a.agentId}`)).body;
    expect(busy).toMatchObject({ state: 'on-call', onDuty: true, onCall: { callSid: customerCall } });
    expect(await h.hotline.store.agents.freeOnDutyAt(h.clock.now())).toEqual([]);
    expect(await h.hotline.store.agents.onDutyAt(h.clock.now())).toHaveLength(1);

    await twilioPost(h, '/voice/status', { CallSid: customerCall, CallStatus: 'completed' });
    expect((await api(h, 'GET', `/api/agents/${a.agentId}`)).body).toMatchObject({ state: 'available', onCall: null });
  });

  it('a key other than 1 leaves the agent free', async () => {
    const a = (await api(h, 'POST', '/api/agents', { name: 'Aiko', phone: '+81312345678', onDuty: true })).body;
    await twilioPost(h, `/voice/whisper/accept?call=${callSid()}&agent=${a.agentId}&lang=en-US`, { CallSid: callSid(), Digits: '2' });
    expect(await h.hotline.store.agents.freeOnDutyAt(h.clock.now())).toHaveLength(1);
  });

  it('the Dial action (the agent hung up, the caller stays) frees the agent', async () => {
    const a = (await api(h, 'POST', '/api/agents', { name: 'Aiko', phone: '+81312345678', onDuty: true })).body;
    const customerCall = callSid();
    const agentLeg = callSid();
    await twilioPost(h, `/voice/whisper/accept?call=${customerCall}&agent=${a.agentId}&lang=en-US`, { CallSid: agentLeg, Digits: '1' });
    await twilioPost(h, '/voice/step?step=9', { CallSid: customerCall, DialCallStatus: 'completed', DialCallSid: agentLeg, DialBridged: 'true' });
    expect((await api(h, 'GET', `/api/agents/${a.agentId}`)).body.state).toBe('available');
  });

  it('a late "bridged" after the call already ended does not leave the agent busy', async () => {
    const a = (await api(h, 'POST', '/api/agents', { name: 'Aiko', phone: '+81312345678', onDuty: true })).body;
    const customerCall = callSid();
    await twilioPost(h, '/voice/status', { CallSid: customerCall, CallStatus: 'completed' });
    expect(await h.hotline.store.agents.markOnCall(a.agentId, customerCall)).toBe(false);
    await twilioPost(h, `/voice/whisper/accept?call=${customerCall}&agent=${a.agentId}&lang=en-US`, { CallSid: callSid(), Digits: '1' });
    expect((await api(h, 'GET', `/api/agents/${a.agentId}`)).body.state).toBe('available');
    // A status callback for either leg frees the agent; repeating it changes nothing.
    const leg = callSid();
    expect(await h.hotline.store.agents.markOnCall(a.agentId, callSid(), { legSid: leg })).toBe(true);
    expect((await h.hotline.store.agents.markCallEnded(leg)).map((x) => x.agentId)).toEqual([a.agentId]);
    expect(await h.hotline.store.agents.markCallEnded(leg)).toEqual([]);
  });
});
