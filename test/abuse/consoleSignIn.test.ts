import { afterEach, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from '../support/harness.js';
import { agentWithPassword, ConsoleClient, type Page } from '../console/support/consoleClient.js';
import { hashPassword } from '../../src/console/passwords.js';
import { AGENT_LOCK } from '../../src/console/signInLimits.js';

let h: Harness;
afterEach(async () => h?.close());

const MINUTE = 60_000;
/** A client address on the loopback: 127.0.0.n. */
const addr = (n: number) => `127.0.0.${n}`;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** `count` wrong passwords for the agent, one after another, from one address; their statuses. */
async function wrongFrom(from: string, agentId: number, count: number, headers: Record<string, string> = {}): Promise<number[]> {
  const c = new ConsoleClient(h, { from });
  const csrf = ConsoleClient.csrf(await c.get('/console/login'));
  const statuses: number[] = [];
  for (let i = 0; i < count; i++) {
    const page = await c.post('/console/login', { _csrf: csrf, agentId: String(agentId), password: `wrong from ${from} #${i}` }, headers);
    statuses.push(page.status);
  }
  return statuses;
}

/**
 * 100 wrong passwords for the agent from ten addresses, ten from each (eight addresses at once: one
 * agent number gets eight places in the check queue): no address is paused by another's, the agent is.
 */
async function pauseAgent(agentId: number): Promise<void> {
  await Promise.all(Array.from({ length: 8 }, (_, i) => wrongFrom(addr(10 + i), agentId, 10)));
  await Promise.all(Array.from({ length: 2 }, (_, i) => wrongFrom(addr(18 + i), agentId, 10)));
  expect((await h.hotline.store.credentials.get(agentId))!.lockedUntil).toBeGreaterThan(h.clock.now());
}

/** The same pause, written by the repository exactly as 100 counted sign-ins write it (no hashing). */
async function pauseAgentInStore(agentId: number): Promise<void> {
  const now = h.clock.now();
  for (let i = 0; i < AGENT_LOCK.after; i++) {
    await h.hotline.store.credentials.countAttempt(agentId, now, { after: AGENT_LOCK.after, until: now + AGENT_LOCK.forMs, since: now - AGENT_LOCK.windowMs });
  }
  expect((await h.hotline.store.credentials.get(agentId))!.lockedUntil).toBe(now + AGENT_LOCK.forMs);
}

const signInFrom = (from: string, agentId: number, password: string) => new ConsoleClient(h, { from }).signIn(agentId, password);

describe('wrong passwords from one address', () => {
  it('pause that agent from that address only: the right password from another address signs in', async () => {
    h = await startHarness();
    const { agent, password } = await agentWithPassword(h);
    expect(await wrongFrom(addr(2), agent.agentId, 12)).toEqual(Array(12).fill(401));
    expect((await signInFrom(addr(2), agent.agentId, password)).status).toBe(401);
    expect((await signInFrom(addr(3), agent.agentId, password)).status).toBe(303);
    // The pause at 127.0.0.2 is 15 minutes, as it was for the agent as a whole.
    h.clock.advance(15 * MINUTE - 1);
    expect((await signInFrom(addr(2), agent.agentId, password)).status).toBe(401);
    h.clock.advance(1);
    expect((await signInFrom(addr(2), agent.agentId, password)).status).toBe(303);
    const refused = h.logs.records().filter((r) => r.msg === 'console: sign-in refused');
    expect(refused.at(-1)).toMatchObject({ agentId: String(agent.agentId), address: addr(2), paused: 'address' });
    expect(h.logs.text).not.toContain(password);
  });

  it('are counted by the connection’s address: an X-Forwarded-For header changes nothing', async () => {
    h = await startHarness();
    const { agent, password } = await agentWithPassword(h);
    for (let i = 0; i < 10; i++) await wrongFrom(addr(2), agent.agentId, 1, { 'x-forwarded-for': `10.0.0.${i}` });
    const c = new ConsoleClient(h, { from: addr(2) });
    const csrf = ConsoleClient.csrf(await c.get('/console/login'));
    const spoofed = await c.post('/console/login', { _csrf: csrf, agentId: String(agent.agentId), password }, { 'x-forwarded-for': '10.9.9.9' });
    expect(spoofed.status).toBe(401);
  });
});

describe('a flood of sign-ins from one address', () => {
  it('is answered 429 with Retry-After, and the admin signing in from elsewhere meanwhile is never refused', async () => {
    h = await startHarness();
    const admin = await agentWithPassword(h, { name: 'Admin', isAdmin: true });
    const attacker = new ConsoleClient(h, { from: addr(2) });
    const csrf = ConsoleClient.csrf(await attacker.get('/console/login'));
    let flooding = true;
    const answers: Page[] = [];
    // Thirty requests always in flight, half for the admin's own number, half for others.
    const flood = Array.from({ length: 30 }, async (_, i) => {
      for (let n = 0; flooding; n++) {
        const agentId = i % 2 ? admin.agent.agentId : 100 + i;
        answers.push(await attacker.post('/console/login', { _csrf: csrf, agentId: String(agentId), password: `flood ${i}.${n}` }));
      }
    });
    await sleep(100);
    const admins: number[] = [];
    for (let i = 0; i < 4; i++) admins.push((await signInFrom(addr(3), admin.agent.agentId, admin.password)).status);
    flooding = false;
    await Promise.all(flood);
    expect(admins).toEqual([303, 303, 303, 303]);
    const busy = answers.filter((p) => p.status === 429);
    expect(busy.length).toBeGreaterThan(answers.length / 2);
    expect(busy[0]!.headers.get('retry-after')).toBe('1');
    expect(busy[0]!.text).toContain('Too many sign-ins are being checked right now');
    expect(answers.every((p) => p.status === 401 || p.status === 429)).toBe(true);
    const notChecked = h.logs.records().filter((r) => r.msg === 'console: sign-in not checked: too many at once');
    expect(new Set(notChecked.map((r) => `${r.address} ${r.limit}`))).toEqual(new Set([`${addr(2)} address`]));
  });

  it('still leaves at most two checks running and twenty waiting when many addresses flood together', async () => {
    h = await startHarness();
    const { agent, password } = await agentWithPassword(h);
    const clients = Array.from({ length: 20 }, (_, i) => new ConsoleClient(h, { from: addr(10 + i) }));
    const tokens = await Promise.all(clients.map(async (c) => ConsoleClient.csrf(await c.get('/console/login'))));
    const burst = await Promise.all(
      clients.flatMap((c, i) =>
        [0, 1].map((k) => c.post('/console/login', { _csrf: tokens[i]!, agentId: String(1000 + 2 * i + k), password: 'a guessed password' })),
      ),
    );
    const statuses = burst.map((p) => p.status);
    expect(statuses.every((s) => s === 401 || s === 429)).toBe(true);
    expect(statuses.filter((s) => s === 429).length).toBeGreaterThanOrEqual(10);
    expect((await signInFrom(addr(3), agent.agentId, password)).status).toBe(303);
  });
});

// Each pauses an agent with 100 real password checks, on a machine other tests share.
describe('a browser the agent signed in on before', { timeout: 120_000 }, () => {
  it('signs in despite the pause that 100 wrong passwords from many addresses put on the agent; others stay paused', async () => {
    h = await startHarness();
    const { agent, password } = await agentWithPassword(h);
    const browser = new ConsoleClient(h, { from: addr(2) });
    const first = await browser.signIn(agent.agentId, password);
    expect(first.status).toBe(303);
    const cookie = first.headers.getSetCookie().find((l) => l.startsWith('hotline_device='))!;
    expect(cookie).toMatch(/HttpOnly/);
    expect(cookie).toMatch(/SameSite=Strict/);
    expect(cookie).toMatch(/Max-Age=7776000/); // 90 days
    expect(cookie).not.toMatch(/Secure/); // served over http here
    browser.forget('hotline_session'); // the shift ended; the browser keeps its device cookie

    await pauseAgent(agent.agentId);
    expect((await signInFrom(addr(30), agent.agentId, password)).status).toBe(401);

    expect((await browser.signIn(agent.agentId, password)).status).toBe(303);
    expect((await browser.get('/console')).status).toBe(200);
    // Signing in there did not lift the pause for everyone else.
    expect((await signInFrom(addr(31), agent.agentId, password)).status).toBe(401);
    expect(h.logs.text).not.toContain(browser.cookie('hotline_device')!);
    expect(h.logs.text).not.toContain(password);

    // An hour after it began, the agent's pause ends.
    h.clock.advance(60 * MINUTE);
    expect((await signInFrom(addr(31), agent.agentId, password)).status).toBe(303);
  });

  it('is still paused by its own wrong passwords, at its address and wherever it moves', async () => {
    h = await startHarness();
    const { agent, password } = await agentWithPassword(h);
    const browser = new ConsoleClient(h, { from: addr(2) });
    expect((await browser.signIn(agent.agentId, password)).status).toBe(303);
    browser.forget('hotline_session');
    await pauseAgent(agent.agentId);

    const csrf = ConsoleClient.csrf(await browser.get('/console/login'));
    for (let i = 0; i < 10; i++) {
      expect((await browser.post('/console/login', { _csrf: csrf, agentId: String(agent.agentId), password: `typo ${i}` })).status).toBe(401);
    }
    expect((await browser.signIn(agent.agentId, password)).status).toBe(401);
    // The same cookie from another network gets no fresh allowance of guesses.
    expect((await browser.movedTo(addr(40)).signIn(agent.agentId, password)).status).toBe(401);
    h.clock.advance(15 * MINUTE);
    expect((await browser.signIn(agent.agentId, password)).status).toBe(303);
  });

  it('is trusted for that agent only, and no longer once the password changes or the agent is removed', async () => {
    h = await startHarness();
    const aiko = await agentWithPassword(h, { name: 'Aiko Tanaka' });
    const ben = await agentWithPassword(h, { name: 'Ben Okafor', password: 'another long password' });
    const browser = new ConsoleClient(h, { from: addr(2) });
    expect((await browser.signIn(aiko.agent.agentId, aiko.password)).status).toBe(303);
    browser.forget('hotline_session');
    await pauseAgentInStore(ben.agent.agentId);
    expect((await browser.signIn(ben.agent.agentId, ben.password)).status).toBe(401);

    await pauseAgentInStore(aiko.agent.agentId);
    expect((await browser.signIn(aiko.agent.agentId, aiko.password)).status).toBe(303);
    browser.forget('hotline_session');
    // A new password (set as the CLI and the console set it) signs the agent out and clears the pause;
    // the browser's cookie was made under the old one and no longer skips a pause.
    await h.hotline.store.credentials.setPassword(aiko.agent.agentId, await hashPassword('a brand new password'), h.clock.now());
    await pauseAgentInStore(aiko.agent.agentId);
    expect((await browser.signIn(aiko.agent.agentId, 'a brand new password')).status).toBe(401);

    // A removed agent signs in nowhere, trusted browser or not.
    h.clock.advance(AGENT_LOCK.forMs);
    expect((await browser.signIn(aiko.agent.agentId, 'a brand new password')).status).toBe(303);
    browser.forget('hotline_session');
    await h.hotline.store.agents.remove(aiko.agent.agentId, h.clock.now());
    expect((await browser.signIn(aiko.agent.agentId, 'a brand new password')).status).toBe(401);
  });
});
