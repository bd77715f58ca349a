import { createHash } from 'node:crypto';
import { afterEach, expect, it } from 'vitest';
import { startHarness, type Harness } from '../support/harness.js';
import { agentWithPassword, ConsoleClient, slowHash } from './support/consoleClient.js';
import { p2Call } from './support/twilio.js';
import { describeEngines } from '../support/postgres.js';

let h: Harness;
afterEach(async () => h?.close());

const enterpriseCustomer = async () => h.hotline.customers.create({ name: 'Acme Corp', plan: 'enterprise', tier: 'premium' });

describeEngines('signing in to the console', (engine) => {
  it('sends a visitor without a session to the sign-in page, which carries the security headers', async () => {
    h = await startHarness({ engine });
    const c = new ConsoleClient(h);
    const dash = await c.get('/console');
    expect(dash.status).toBe(303);
    expect(dash.location).toBe('/console/login');
    const login = await c.get('/console/login');
    expect(login.status).toBe(200);
    const csp = login.headers.get('content-security-policy')!;
    expect(csp).toContain("script-src 'self'");
    expect(csp).not.toContain('unsafe-inline');
    expect(csp).toContain("frame-ancestors 'none'");
    expect(login.headers.get('x-frame-options')).toBe('DENY');
    expect(login.headers.get('referrer-policy')).toBe('same-origin');
    expect(login.headers.get('x-content-type-options')).toBe('nosniff');
    expect(login.text).not.toMatch(/<script>|\son[a-z]+="/);
    expect(login.text).toContain('<label for="password">Password</label>');
  });

  it('signs in with the right password into an HttpOnly, SameSite=Strict session stored only as a hash', async () => {
    h = await startHarness({ engine });
    const { agent, password } = await agentWithPassword(h);
    const c = new ConsoleClient(h);
    const login = await c.get('/console/login');
    const res = await c.post('/console/login', { _csrf: ConsoleClient.csrf(login), agentId: String(agent.agentId), password });
    expect(res.status).toBe(303);
    expect(res.location).toBe('/console');
    const cookie = res.headers.getSetCookie().find((l) => l.startsWith('hotline_session='))!;
    expect(cookie).toMatch(/HttpOnly/);
    expect(cookie).toMatch(/SameSite=Strict/);
    expect(cookie).not.toMatch(/Secure/); // served over http here
    const id = /hotline_session=([^;]+)/.exec(cookie)![1]!;
    const dash = await c.get('/console');
    expect(dash.status).toBe(200);
    expect(dash.text).toContain('Signed in as <strong>Aiko Tanaka</strong>');
    // Neither the session id nor the password is in the database or the log; the id's SHA-256 is.
    const sessions = await h.hotline.store.sessions.find(createHash('sha256').update(id).digest(), h.clock.now());
    expect(sessions?.agentId).toBe(agent.agentId);
    expect(h.logs.text).not.toContain(id);
    expect(h.logs.text).not.toContain(password);
    const stored = (await h.hotline.store.credentials.get(agent.agentId))!;
    expect(stored.salt.length).toBeGreaterThanOrEqual(16);
    expect(stored.hash.toString('utf8')).not.toContain(password);
  });

  it('refuses a wrong password with one message for every failure, and pauses after ten', async () => {
    h = await startHarness({ engine });
    const { agent, password } = await agentWithPassword(h);
    const c = new ConsoleClient(h);
    const unknown = await c.signIn(999, password);
    expect(unknown.status).toBe(401);
    const wrong = await c.signIn(agent.agentId, 'not the password at all');
    expect(wrong.status).toBe(401);
    const message = (p: { text: string }) => /id="login-error"[^>]*>([^<]+)</.exec(p.text)![1];
    expect(message(wrong)).toBe(message(unknown));
    for (let i = 0; i < 9; i++) await c.signIn(agent.agentId, `wrong password ${i}`);
    expect((await c.signIn(agent.agentId, password)).status).toBe(401);
    h.clock.advance(15 * 60_000);
    expect((await c.signIn(agent.agentId, password)).status).toBe(303);
  });

  it('counts a wrong password while it is still being checked: the tenth in flight pauses the right one sent after it', async () => {
    h = await startHarness({ engine });
    const { agent, password } = await agentWithPassword(h);
    await h.hotline.store.credentials.setPassword(agent.agentId, await slowHash(password), h.clock.now());
    const c = new ConsoleClient(h);
    for (let i = 0; i < 9; i++) expect((await c.signIn(agent.agentId, `wrong password ${i}`)).status).toBe(401);
    const csrf = ConsoleClient.csrf(await c.get('/console/login'));
    const attempt = (pw: string) => c.post('/console/login', { _csrf: csrf, agentId: String(agent.agentId), password: pw });
    const tenth = attempt('wrong password 9');
    await new Promise((r) => setTimeout(r, 30));
    const right = await attempt(password);
    expect((await tenth).status).toBe(401);
    expect(right.status).toBe(401);
    expect((await c.get('/console')).location).toBe('/console/login');
    h.clock.advance(15 * 60_000);
    expect((await c.signIn(agent.agentId, password)).status).toBe(303);
  });

  it('checks a burst of guesses for one agent two at a time: the rest are answered 429 at once and not counted', async () => {
    h = await startHarness({ engine });
    const { agent, password } = await agentWithPassword(h);
    const c = new ConsoleClient(h);
    const csrf = ConsoleClient.csrf(await c.get('/console/login'));
    const burst = await Promise.all(
      Array.from({ length: 30 }, (_, i) => c.post('/console/login', { _csrf: csrf, agentId: String(agent.agentId), password: `guess number ${i}` })),
    );
    const checked = burst.filter((p) => p.status === 401).length;
    const busy = burst.filter((p) => p.status === 429);
    expect(checked + busy.length).toBe(30);
    expect(busy.length).toBeGreaterThanOrEqual(20);
    expect(busy[0]!.headers.get('retry-after')).toBe('1');
    expect(busy[0]!.text).toContain('Too many sign-ins are being checked right now');
    expect((await h.hotline.store.credentials.get(agent.agentId))!.failedAttempts).toBe(checked);
    // Fewer than ten guesses were checked, so the agent is not paused.
    expect((await c.signIn(agent.agentId, password)).status).toBe(303);
  });

  it('checks at most two passwords at once with twenty waiting, whichever agents they are for', async () => {
    h = await startHarness({ engine });
    const { agent, password } = await agentWithPassword(h);
    const c = new ConsoleClient(h);
    const csrf = ConsoleClient.csrf(await c.get('/console/login'));
    const burst = await Promise.all(
      Array.from({ length: 40 }, (_, i) => c.post('/console/login', { _csrf: csrf, agentId: String(1000 + i), password: 'a guessed password' })),
    );
    const statuses = burst.map((p) => p.status);
    expect(statuses.every((s) => s === 401 || s === 429)).toBe(true);
    expect(statuses.filter((s) => s === 429).length).toBeGreaterThanOrEqual(10);
    // Every place is given back: the next sign-in is checked as usual.
    expect((await c.signIn(agent.agentId, password)).status).toBe(303);
  });

  it('keeps a password typed into the agent-number field out of the log and off the page', async () => {
    h = await startHarness({ engine });
    const { agent, password } = await agentWithPassword(h);
    const c = new ConsoleClient(h);
    const login = await c.get('/console/login');
    const misplaced = await c.post('/console/login', { _csrf: ConsoleClient.csrf(login), agentId: password, password });
    expect(misplaced.status).toBe(401);
    expect(misplaced.text).not.toContain(password.slice(0, 6));
    const refusals = h.logs.records().filter((r) => r.msg === 'console: sign-in refused');
    expect(refusals.map((r) => r.agentId)).toEqual(['malformed']);
    expect(h.logs.text).not.toContain(password.slice(0, 6));
    // A real agent number is still logged and kept in the field, so the agent only retypes the password.
    const wrong = await c.signIn(agent.agentId, 'not the password at all');
    expect(wrong.text).toContain(`value="${agent.agentId}"`);
    expect(h.logs.records().filter((r) => r.msg === 'console: sign-in refused').at(-1)!.agentId).toBe(String(agent.agentId));
  });

  it('marks the session cookie Secure (and __Host-) when the public URL is https', async () => {
    h = await startHarness({ engine, env: { PUBLIC_BASE_URL: 'https://hotline.example.com' } });
    const { agent, password } = await agentWithPassword(h);
    const c = new ConsoleClient(h);
    const login = await c.get('/console/login');
    const res = await c.post(
      '/console/login',
      { _csrf: ConsoleClient.csrf(login), agentId: String(agent.agentId), password },
      { origin: 'https://hotline.example.com' },
    );
    expect(res.status).toBe(303);
    const cookie = res.headers.getSetCookie().find((l) => l.startsWith('__Host-hotline_session='))!;
    expect(cookie).toMatch(/; Secure/);
    expect(cookie).toMatch(/Path=\//);
  });

  it('ends the session on sign-out and after 30 idle minutes', async () => {
    h = await startHarness({ engine });
    const { agent, password } = await agentWithPassword(h);
    const c = new ConsoleClient(h);
    await c.signIn(agent.agentId, password);
    const out = await c.postForm('/console/logout');
    expect(out.location).toMatch(/^\/console\/login/);
    expect((await c.get('/console')).status).toBe(303);

    await c.signIn(agent.agentId, password);
    h.clock.advance(29 * 60_000);
    expect((await c.get('/console')).status).toBe(200);
    h.clock.advance(29 * 60_000); // still active: the last visit moved the deadline
    expect((await c.get('/console')).status).toBe(200);
    h.clock.advance(31 * 60_000);
    expect((await c.get('/console')).status).toBe(303);
  });
});

describeEngines('forms are safe from cross-site requests', (engine) => {
  it('refuses a post without the page’s token, with a wrong one, or from another origin', async () => {
    h = await startHarness({ engine });
    const { agent, password } = await agentWithPassword(h);
    const c = new ConsoleClient(h);
    await c.signIn(agent.agentId, password);
    const csrf = ConsoleClient.csrf(await c.get('/console'));
    expect((await c.post('/console/duty', { duty: 'off' })).status).toBe(403);
    expect((await c.post('/console/duty', { duty: 'off', _csrf: 'guess' })).status).toBe(403);
    expect((await c.post('/console/duty', { duty: 'off', _csrf: csrf }, { origin: 'https://evil.example' })).status).toBe(403);
    expect((await c.post('/console/duty', { duty: 'off', _csrf: csrf }, { 'sec-fetch-site': 'cross-site' })).status).toBe(403);
    expect((await h.hotline.store.agents.get(agent.agentId))!.duty).toBe('on');
    expect((await c.post('/console/duty', { duty: 'off', _csrf: csrf })).status).toBe(303);
    expect((await h.hotline.store.agents.get(agent.agentId))!.duty).toBe('off');
  });

  it('refuses a sign-in post that did not come from the sign-in form', async () => {
    h = await startHarness({ engine });
    const { agent, password } = await agentWithPassword(h);
    const c = new ConsoleClient(h);
    expect((await c.post('/console/login', { agentId: String(agent.agentId), password })).status).toBe(403);
  });
});

describeEngines('the dashboard and a callback', (engine) => {
  /** A signed-in agent, and a P2 call that has just booked a callback. */
  async function afterP2Call() {
    h = await startHarness({ engine });
    const customer = await enterpriseCustomer();
    const { agent, password } = await agentWithPassword(h);
    const c = new ConsoleClient(h);
    await c.signIn(agent.agentId, password);
    return { c, agent, password, customer, sid: await p2Call(h, customer.customerId) };
  }

  it('shows a callback a P2 call made, lets an agent claim it, note it and complete it', async () => {
    const { c, agent, password, customer, sid } = await afterP2Call();
    const callback = (await h.hotline.store.callbacks.byCallSid(sid))!;

    const dash = await c.get('/console');
    expect(dash.text).toContain(`>${callback.reference}</a>`);
    expect(dash.text).toContain('On time');
    expect(dash.text).toContain('2 h 00 min left'); // Premium P2: two hours
    expect(dash.text).toContain(`ID ending …${customer.customerId.slice(-4)}`);
    expect(dash.text).not.toContain(customer.customerId); // the dashboard shows endings only

    const claimed = await c.postForm(`/console/callbacks/${callback.callbackId}/claim`, { back: '/console' });
    expect(claimed.location).toBe(`/console?done=claimed&ref=${callback.reference}`);
    const noted = await c.postForm(`/console/callbacks/${callback.callbackId}/notes`, { body: 'Customer <b>prefers</b> Japanese' });
    expect(noted.status).toBe(303);
    const detail = await c.get(`/console/callbacks/${callback.callbackId}`);
    expect(detail.text).toContain('Customer &lt;b&gt;prefers&lt;/b&gt; Japanese');
    expect(detail.text).toContain(`Acme Corp (ID ${customer.customerId})`);

    h.clock.advance(110 * 60_000); // 10 minutes left, not connected: at risk
    await c.signIn(agent.agentId, password); // the session itself ended after 30 idle minutes
    expect((await c.get('/console')).text).toContain('At risk');
    // Without an outcome nothing is closed: the agent is asked what became of it.
    const asked = await c.postForm(`/console/callbacks/${callback.callbackId}/complete`, { back: `/console/callbacks/${callback.callbackId}` });
    expect(asked.status).toBe(400);
    expect(asked.text).toContain('Choose what became of the callback');
    expect((await h.hotline.store.callbacks.get(callback.callbackId))!.status).toBe('pending');
    const done = await c.postForm(`/console/callbacks/${callback.callbackId}/complete`, { back: `/console/callbacks/${callback.callbackId}`, outcome: 'unreachable' });
    expect(done.location).toBe(`/console/callbacks/${callback.callbackId}?done=completed&ref=${callback.reference}`);
    expect((await h.hotline.store.callbacks.get(callback.callbackId))!.status).toBe('completed');
    const after = await c.get('/console');
    // Never connected: the closed list says so and gives the outcome, not "On time".
    expect(after.text).toMatch(/id="closed-callbacks"[\s\S]*Not connected[\s\S]*Could not reach the customer[\s\S]*Aiko Tanaka/);
    expect(after.text).toContain('No callbacks are owed.');
  });

  it('shows a call’s audit trail: its state and every verification attempt', async () => {
    const { c, agent, password, customer, sid } = await afterP2Call();
    const page = await c.get(`/console/calls/${sid}`);
    expect(page.status).toBe(200);
    expect(page.text).toContain('Verified');
    expect(page.text).toContain('code accepted');
    expect(page.text).toContain('P2');
    expect(page.text).not.toContain('+14155550123'); // the caller's number is masked
    expect((await c.get('/console/calls/CA0000')).status).toBe(404);
  });

  it('serves the live regions as JSON to the refreshing script and 401 once signed out', async () => {
    h = await startHarness({ engine });
    const { agent, password } = await agentWithPassword(h);
    const c = new ConsoleClient(h);
    await c.signIn(agent.agentId, password);
    const live = await c.request('GET', '/console/live', undefined, { accept: 'application/json' });
    const data = JSON.parse(live.text);
    expect(Object.keys(data.regions)).toEqual(expect.arrayContaining(['duty', 'calls', 'queue', 'callbacks']));
    expect(data.summary).toContain('0 live calls');
    await c.postForm('/console/logout');
    expect((await c.request('GET', '/console/live', undefined, { accept: 'application/json' })).status).toBe(401);
  });
});

describeEngines('admins manage agents', (engine) => {
  it('lets an admin add an agent with a password, set a roster, and refuses others', async () => {
    h = await startHarness({ engine });
    const admin = await agentWithPassword(h, { name: 'Ada Admin', isAdmin: true });
    const c = new ConsoleClient(h);
    await c.signIn(admin.agent.agentId, admin.password);
    const bad = await c.postForm('/console/agents', { name: 'Ben', phone: '555-0100', languages: 'en-US', duty: 'on' });
    expect(bad.status).toBe(400);
    expect(bad.text).toContain('Phone must be an E.164 number');
    expect(bad.text).toContain('aria-invalid="true" aria-describedby="err-phone"');
    const nul = await c.postForm('/console/agents', { name: '\u0000', phone: '+14155550100', languages: 'en-US', duty: 'on' });
    expect(nul.status).toBe(400);
    expect(nul.text).toContain('Name must not contain control characters');
    expect(await h.hotline.store.agents.list()).toHaveLength(1);
    const added = await c.postForm('/console/agents', { name: 'Ben', phone: '+14155550100', languages: 'en-US', duty: 'roster', password: 'a long enough password' });
    expect(added.status).toBe(303);
    const ben = (await h.hotline.store.agents.list()).find((a) => a.name === 'Ben')!;
    expect(ben).toMatchObject({ duty: 'roster', isAdmin: false });
    const roster = await c.postForm(`/console/agents/${ben.agentId}/roster`, { timeZone: 'America/New_York', rules: 'mon-fri 09:00-17:00' });
    expect(roster.status).toBe(303);
    expect((await h.hotline.store.agents.get(ben.agentId))!.roster).toEqual({
      timeZone: 'America/New_York',
      rules: [{ days: ['mon', 'tue', 'wed', 'thu', 'fri'], start: '09:00', end: '17:00' }],
    });
    const badRoster = await c.postForm(`/console/agents/${ben.agentId}/roster`, { timeZone: 'Nowhere/Land', rules: '' });
    expect(badRoster.text).toContain('Time zone must be an IANA zone');

    const benClient = new ConsoleClient(h);
    expect((await benClient.signIn(ben.agentId, 'a long enough password')).status).toBe(303);
    expect((await benClient.get('/console/agents')).status).toBe(403);
    expect((await benClient.get('/console')).text).not.toContain('href="/console/agents"');
  });

  it('does not let an admin remove their own admin role', async () => {
    h = await startHarness({ engine });
    const admin = await agentWithPassword(h, { name: 'Ada Admin', isAdmin: true });
    const c = new ConsoleClient(h);
    await c.signIn(admin.agent.agentId, admin.password);
    const res = await c.postForm(`/console/agents/${admin.agent.agentId}`, { name: 'Ada', phone: '+81312345678', languages: 'en-US', duty: 'on' });
    expect(res.status).toBe(400);
    expect((await h.hotline.store.agents.get(admin.agent.agentId))!.isAdmin).toBe(true);
  });
});
