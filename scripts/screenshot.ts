/**
 * Takes docs/console.png and docs/console-390.png, and in Japanese docs/console-ja.png and
 * docs/console-ja-390.png: the agent console over a fresh database filled through the real call flow
 * (signed webhooks, as Twilio sends them), in headless Chromium. Run with `npm run screenshot`.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { chromium } from 'playwright-core';
import twilio from 'twilio';
import { loadConfig } from '../src/config.js';
import { hashPassword } from '../src/console/passwords.js';
import { ManualClock } from '../src/domain/clock.js';
import { createRequestListener } from '../src/http/app.js';
import { createHotline } from '../src/hotline.js';
import { createLogger } from '../src/logger.js';

const OUT = resolve('docs/console.png');
const OUT_PHONE = resolve('docs/console-390.png');
const OUT_JA = resolve('docs/console-ja.png');
const OUT_JA_PHONE = resolve('docs/console-ja-390.png');
const MINUTE = 60_000;
const AUTH_TOKEN = randomBytes(16).toString('hex');
const dir = mkdtempSync(join(tmpdir(), 'hotline-screenshot-'));
const clock = new ManualClock(Date.UTC(2026, 10, 24, 5, 30, 0)); // Tuesday 14:30 in Tokyo

const server = createServer();
await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
const config = {
  ...loadConfig(
    {
      HOTLINE_DB: join(dir, 'hotline.sqlite'),
      TWILIO_ACCOUNT_SID: `AC${randomBytes(16).toString('hex')}`,
      TWILIO_AUTH_TOKEN: AUTH_TOKEN,
      HOTLINE_SECRET_KEY: randomBytes(32).toString('base64'),
      HOTLINE_ADMIN_TOKEN: randomBytes(24).toString('base64url'),
    },
    { generateLocal: false },
  ),
  publicBaseUrl: url,
};
const hotline = createHotline({ config, logger: createLogger('silent'), clock });
server.on('request', createRequestListener(hotline));

/** Posts a webhook signed as Twilio signs it. */
async function webhook(path: string, params: Record<string, string>): Promise<void> {
  const signature = twilio.getExpectedTwilioSignature(AUTH_TOKEN, `${url}${path}`, params);
  const res = await fetch(`${url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-twilio-signature': signature },
    body: new URLSearchParams(params).toString(),
  });
  if (!res.ok) throw new Error(`${path}: ${res.status}`);
}

/**
 * A call through the real flow: `keys` are what the caller presses after the ID and the code; with
 * `hangUp` the caller then hangs up and Twilio reports the call completed.
 */
async function call(customerId: string | null, keys: string[], from: string, hangUp = false): Promise<string> {
  const sid = `CA${randomBytes(16).toString('hex')}`;
  const base = { CallSid: sid, From: from, To: '+18005550100' };
  await webhook('/voice/incoming', base);
  const digits = customerId ? [customerId, (await hotline.customers.dashboardCode(customerId)).code, ...keys] : keys;
  for (const [step, d] of digits.entries()) await webhook(`/voice/step?step=${step}`, { ...base, Digits: d });
  if (hangUp) await webhook('/voice/status', { ...base, CallStatus: 'completed' });
  clock.advance(31_000); // a fresh 30-second code for the next call
  return sid;
}

const customer = async (name: string, tier: 'premium' | 'standard') =>
  (await hotline.customers.create({ name, plan: 'enterprise', tier })).customerId;
const kumo = await customer('Kumo Retail KK', 'premium');
const northwind = await customer('Northwind Travel', 'standard');
const sakura = await customer('Sakura Securities', 'premium');
const harbor = await customer('Blue Harbor Games', 'standard');
const acme = await customer('Acme Logistics', 'premium');
const tsubame = await customer('Tsubame Media', 'standard');

const now = clock.now();
const agents = hotline.store.agents;
const aiko = await agents.create({ name: 'Aiko Tanaka', phone: '+81345550101', languages: ['ja-JP', 'en-US'], duty: 'roster', isAdmin: true }, now);
await agents.setRoster(aiko.agentId, { timeZone: 'Asia/Tokyo', rules: [{ days: ['mon', 'tue', 'wed', 'thu', 'fri'], start: '09:00', end: '18:00' }] }, now);
const ben = await agents.create({ name: 'Ben Okafor', phone: '+14155550102', languages: ['en-US'], duty: 'on' }, now);
await agents.create({ name: 'Carla Ruiz', phone: '+34915550103', languages: ['en-US'], duty: 'off' }, now);
const password = randomBytes(12).toString('base64url');
await hotline.store.credentials.setPassword(aiko.agentId, await hashPassword(password), now);

// Callbacks made by P2 calls at different times, so their deadlines fall in every SLA state.
clock.set(now - 130 * MINUTE);
const breached = await call(sakura, ['2'], '+81355550111', true); // Premium P2, due 2 h later: 10 min overdue
clock.set(now - 228 * MINUTE);
await call(northwind, ['2'], '+14155550112', true); // Standard P2, due in 4 h: 12 min left, at risk
clock.set(now - 35 * MINUTE);
const claimed = await call(kumo, ['2'], '+81355550113', true); // Premium P2: 1 h 25 min left
clock.set(now - 50 * MINUTE);
const done = await call(acme, ['2'], '+14155550114', true);
clock.set(now - 6 * MINUTE);
await call(harbor, ['2'], '+14155550115', true);
clock.set(now);

const desk = hotline.store.desk;
const idOf = async (sid: string) => (await hotline.store.callbacks.byCallSid(sid))!.callbackId;
await desk.claim(await idOf(claimed), aiko.agentId, now - 4 * MINUTE);
await desk.addNote(await idOf(claimed), aiko.agentId, 'Checkout errors from Osaka only; customer prefers Japanese.', now - 3 * MINUTE);
await desk.claim(await idOf(breached), ben.agentId, now - 2 * MINUTE);
await desk.complete(await idOf(done), ben.agentId, now - 20 * MINUTE, 'reached');

// Calls in progress: Ben took a P1 transfer (pressed 1 at the whisper), three P1 callers wait in the
// queue while every agent has just been offered a call, two callers are still in the flow.
clock.set(now - 9 * MINUTE);
const transferred = await call(tsubame, ['1'], '+81355550116');
await webhook(`/voice/whisper/accept?call=${transferred}&agent=${ben.agentId}&lang=en-US`, {
  CallSid: `CA${randomBytes(16).toString('hex')}`,
  Digits: '1',
});
for (const a of await agents.onDuty()) await agents.markOffered(a.agentId, now, `CA${randomBytes(16).toString('hex')}`);
clock.set(now - 8 * MINUTE);
await call(kumo, ['1'], '+81355550121');
clock.set(now - 4 * MINUTE);
await call(northwind, ['1'], '+14155550117');
clock.set(now - 2 * MINUTE);
await call(acme, ['1'], '+14155550118');
clock.set(now - 1 * MINUTE);
await call(harbor, [], '+14155550119');
clock.set(now - 20_000);
await call(null, [], '+81355550120');
clock.set(now);

const browser = await chromium.launch({
  executablePath: '/usr/bin/chromium',
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-quic', '--no-first-run', '--disable-component-update', '--disable-sync'],
});
try {
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 }, deviceScaleFactor: 1 });
  await page.goto(`${url}/console/login`);
  await page.getByLabel('Agent number').fill(String(aiko.agentId));
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  /** Chooses the console's language with its switch, then shows the dashboard without the confirmation. */
  const speak = async (name: string, heading: string) => {
    if (!(await page.getByRole('button', { name }).isDisabled())) await page.getByRole('button', { name }).click();
    await page.goto(`${url}/console`);
    await page.getByRole('heading', { level: 1, name: heading }).waitFor();
  };
  // Aiko speaks Japanese first, so her console starts in Japanese: English first, for the English shots.
  await speak('English', 'Dashboard');
  await page.screenshot({ path: OUT, fullPage: true });
  console.log(`wrote ${OUT}`);
  // The same dashboard on a phone: one column, nothing scrolls sideways.
  await page.setViewportSize({ width: 390, height: 844 });
  await page.screenshot({ path: OUT_PHONE, fullPage: true });
  console.log(`wrote ${OUT_PHONE}`);
  // The same in Japanese, as Aiko would choose it.
  await page.setViewportSize({ width: 1280, height: 900 });
  await speak('日本語', 'ダッシュボード');
  await page.screenshot({ path: OUT_JA, fullPage: true });
  console.log(`wrote ${OUT_JA}`);
  await page.setViewportSize({ width: 390, height: 844 });
  await page.screenshot({ path: OUT_JA_PHONE, fullPage: true });
  console.log(`wrote ${OUT_JA_PHONE}`);
} finally {
  await browser.close();
  server.closeAllConnections();
  server.close();
  await hotline.close();
  rmSync(dir, { recursive: true, force: true });
}
