import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { hashPassword } from '../../src/console/passwords.js';
import { api, startHarness, type Harness } from '../support/harness.js';
import { agentWithPassword, ConsoleClient, slowHash } from './support/consoleClient.js';
import { p2Call } from './support/twilio.js';

describe('a sign-in still checking the password', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await startHarness();
  });
  afterEach(async () => h.close());

  /** Starts signing in, and once the password is being checked, does `meanwhile`; returns the sign-in's answer. */
  async function signInWhile(c: ConsoleClient, agentId: number, password: string, meanwhile: () => Promise<unknown>) {
    const login = await c.get('/console/login');
    const answer = c.post('/console/login', { _csrf: ConsoleClient.csrf(login), agentId: String(agentId), password });
    await new Promise((r) => setTimeout(r, 30));
    await meanwhile();
    return answer;
  }

  it('gets no session when the agent is removed meanwhile', async () => {
    const { agent } = await agentWithPassword(h, { name: 'Ken Leaver' });
    const password = 'the password Ken had';
    await h.hotline.store.credentials.setPassword(agent.agentId, await slowHash(password), h.clock.now());
    const c = new ConsoleClient(h);
    const res = await signInWhile(c, agent.agentId, password, () => api(h, 'DELETE', `/api/agents/${agent.agentId}`));
    expect((await h.hotline.store.agents.get(agent.agentId))!.removedAt).not.toBeNull();
    expect(res.status).toBe(401);
    expect(res.headers.getSetCookie().some((l) => l.startsWith('hotline_session='))).toBe(false);
    expect((await c.get('/console')).location).toBe('/console/login');
  });

  it('gets no session when the password is changed meanwhile, and the new password signs in', async () => {
    const { agent } = await agentWithPassword(h, { name: 'Ken Leaver' });
    const old = 'a password that leaked';
    await h.hotline.store.credentials.setPassword(agent.agentId, await slowHash(old), h.clock.now());
    const c = new ConsoleClient(h);
    const fresh = 'a brand new password';
    const freshHash = await hashPassword(fresh);
    const res = await signInWhile(c, agent.agentId, old, async () => h.hotline.store.credentials.setPassword(agent.agentId, freshHash, h.clock.now()));
    expect(res.status).toBe(401);
    expect((await c.get('/console')).location).toBe('/console/login');
    expect((await c.signIn(agent.agentId, old)).status).toBe(401);
    expect((await c.signIn(agent.agentId, fresh)).status).toBe(303);
  });
});

describe('removing an agent who left', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await startHarness();
  });
  afterEach(async () => h.close());

  it('takes them off calls for good, signs them out, gives their claimed callback back to the dialer, and keeps their name', async () => {
    const customer = await h.hotline.customers.create({ name: 'Acme Corp', plan: 'enterprise', tier: 'premium' });
    const { agent, password } = await agentWithPassword(h, { name: 'Ken Leaver', onDuty: true });
    const stays = (await api(h, 'POST', '/api/agents', { name: 'Mia Stays', phone: '+14155550111', onDuty: true })).body;
    const c = new ConsoleClient(h);
    await c.signIn(agent.agentId, password);
    const callback = (await h.hotline.store.callbacks.byCallSid(await p2Call(h, customer.customerId)))!;
    expect((await c.postForm(`/console/callbacks/${callback.callbackId}/claim`, { back: '/console' })).status).toBe(303);
    expect((await h.hotline.store.desk.get(callback.callbackId))?.claimedBy).toEqual({ agentId: agent.agentId, name: 'Ken Leaver' });

    const removed = await api(h, 'DELETE', `/api/agents/${agent.agentId}`);
    expect(removed.status).toBe(200);
    expect(removed.body).toMatchObject({ agentId: agent.agentId, name: 'Ken Leaver', duty: 'off', onDuty: false, releasedClaims: 1 });
    expect(removed.body.removedAt).toBe(h.clock.now());

    // No more calls: only the agent who stays is offered one.
    expect((await h.hotline.store.agents.onDuty()).map((a) => a.agentId)).toEqual([stays.agentId]);
    // Signed out, and the password no longer signs in.
    expect((await c.get('/console')).location).toBe('/console/login');
    const again = await c.signIn(agent.agentId, password);
    expect(again.location).not.toBe('/console');
    // The claim is gone, so the dialer may call the customer; the callback itself is untouched.
    expect(await h.hotline.store.desk.get(callback.callbackId)).toMatchObject({ claimedBy: null, status: 'pending' });
    // Its history says why, under the removed agent's name.
    expect((await h.hotline.store.desk.notes(callback.callbackId)).map((n) => [n.kind, n.agentName, n.body])).toEqual([
      ['claimed', 'Ken Leaver', 'Claimed'],
      ['released', 'Ken Leaver', 'Released: the agent was removed'],
    ]);

    // Not listed, still found by ID for the history that names them, and not changed again.
    expect((await api(h, 'GET', '/api/agents')).body.items.map((a: { agentId: number }) => a.agentId)).toEqual([stays.agentId]);
    expect((await api(h, 'GET', `/api/agents/${agent.agentId}`)).body).toMatchObject({ name: 'Ken Leaver', removedAt: removed.body.removedAt });
    const patch = await api(h, 'PATCH', `/api/agents/${agent.agentId}`, { onDuty: true });
    expect(patch.status).toBe(409);
    expect(patch.body).toMatchObject({ error: 'conflict', message: `agent ${agent.agentId} was removed; add a new agent instead` });
    expect((await api(h, 'PUT', `/api/agents/${agent.agentId}/roster`, { timeZone: 'UTC', rules: [] })).status).toBe(409);
    expect(await h.hotline.store.credentials.setPassword(agent.agentId, await hashPassword('a new long password'), h.clock.now())).toBe(false);
    expect(await h.hotline.store.credentials.get(agent.agentId)).toBeUndefined();

    // Removing again changes nothing; an unknown agent is a 404.
    expect((await api(h, 'DELETE', `/api/agents/${agent.agentId}`)).body).toMatchObject({ removedAt: removed.body.removedAt, releasedClaims: 0 });
    expect((await api(h, 'DELETE', '/api/agents/999')).status).toBe(404);
  });

  it('is refused without the admin token', async () => {
    const a = (await api(h, 'POST', '/api/agents', { name: 'Mia', phone: '+14155550111' })).body;
    expect((await api(h, 'DELETE', `/api/agents/${a.agentId}`, undefined, null)).status).toBe(401);
    expect((await api(h, 'GET', `/api/agents/${a.agentId}`)).body.removedAt).toBeNull();
  });

  it('lets an admin remove an agent in the console, after ticking the box, but never themselves', async () => {
    const admin = await agentWithPassword(h, { name: 'Ada Admin', isAdmin: true });
    const { agent } = await agentWithPassword(h, { name: 'Ken Leaver' });
    const c = new ConsoleClient(h);
    await c.signIn(admin.agent.agentId, admin.password);
    const page = await c.get(`/console/agents/${agent.agentId}`);
    expect(page.text).toContain('Ken Leaver has left the team');

    const unconfirmed = await c.postForm(`/console/agents/${agent.agentId}/remove`);
    expect(unconfirmed.status).toBe(400);
    expect(unconfirmed.text).toContain('Tick the box to confirm the agent has left');
    expect((await h.hotline.store.agents.get(agent.agentId))?.removedAt).toBeNull();
    const self = await c.postForm(`/console/agents/${admin.agent.agentId}/remove`, { confirm: '1' });
    expect(self.status).toBe(400);
    expect(self.text).toContain('You cannot remove yourself');

    const done = await c.postForm(`/console/agents/${agent.agentId}/remove`, { confirm: '1' });
    expect(done.location).toBe(`/console/agents?done=removed&ref=${agent.agentId}`);
    const list = await c.get(done.location!);
    expect(list.text).toContain(`Agent ${agent.agentId} removed`);
    expect(list.text).not.toContain('>Ken Leaver</a>');
    expect((await c.get(`/console/agents/${agent.agentId}`)).status).toBe(404);
    expect((await h.hotline.store.agents.get(agent.agentId))?.removedAt).toBe(h.clock.now());
  });
});
