import { afterEach, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from '../support/harness.js';
import { launchChromium } from './support/browser.js';
import { agentWithPassword } from './support/consoleClient.js';
import { callSid, twilioPost } from './support/twilio.js';

/** A verified P1 caller who finds every agent busy: they wait in the P1 queue. Returns the call's SID. */
async function p1Waiting(h: Harness, customerId: string): Promise<string> {
  const sid = callSid();
  const base = { CallSid: sid, From: '+14155550123', To: '+18005550100', AccountSid: h.config.twilio.accountSid };
  await twilioPost(h, '/voice/incoming', base);
  await twilioPost(h, '/voice/step?step=0', { ...base, Digits: customerId });
  await twilioPost(h, '/voice/step?step=1', { ...base, Digits: (await h.hotline.customers.dashboardCode(customerId)).code });
  const twiml = await twilioPost(h, '/voice/step?step=2', { ...base, Digits: '1' });
  expect(twiml).toContain('<Enqueue');
  h.clock.advance(31_000);
  return sid;
}

describe('the dashboard calls for attention, in headless Chromium', () => {
  let h: Harness | undefined;
  let chromium: Awaited<ReturnType<typeof launchChromium>> | undefined;
  afterEach(async () => {
    await chromium?.close();
    await h?.close();
  });

  it('puts the P1 queue and live calls first, in words and linked to their agent, counts them in the title, and alerts on a new P1 caller', async () => {
    h = await startHarness();
    const { agent, password } = await agentWithPassword(h, { name: 'Avery Stone', onDuty: true });
    const other = await h.hotline.store.agents.create({ name: 'Ben Okafor', phone: '+14155550102', languages: ['en-US'], onDuty: true }, h.clock.now());
    const customer = await h.hotline.customers.create({ name: 'Acme Corp', plan: 'enterprise', tier: 'premium' });
    // Ben is talking to a caller; Avery was just offered another: the next P1 caller waits.
    const talking = callSid();
    await twilioPost(h, '/voice/incoming', { CallSid: talking, From: '+14155550150', To: '+18005550100', AccountSid: h.config.twilio.accountSid });
    await h.hotline.store.agents.markOnCall(other.agentId, talking);
    await h.hotline.store.agents.markOffered(agent.agentId, h.clock.now(), callSid());
    const first = await p1Waiting(h, customer.customerId);

    chromium = await launchChromium();
    const context = await chromium.browser.newContext();
    await context.grantPermissions(['notifications']);
    // Notifications shown are recorded, as the desktop would show them.
    await context.addInitScript(`
      window.__shown = [];
      window.Notification = class { static permission = 'granted'; static requestPermission() { return Promise.resolve('granted'); }
        constructor(title, options) { window.__shown.push(title + ': ' + options.body); } };`);
    const page = await context.newPage();
    await page.goto(`${h.url}/console/login`);
    await page.getByLabel('Agent number').fill(String(agent.agentId));
    await page.getByLabel('Password').fill(password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { level: 1, name: 'Dashboard' }).waitFor();

    expect(await page.title()).toBe('1 P1 waiting · Dashboard · Hotline console');
    const headings = await page.locator('main h2').allTextContents();
    expect(headings.slice(0, 3).map((t) => t.replace(/ \(.*/, ''))).toEqual(['P1 queue', 'Live calls', 'Callbacks owed']);
    const where = page.locator(`#live-${first} .where`);
    expect(await where.textContent()).toBe('number 1 in queue');
    const withBen = page.locator(`#live-${talking} .where a`);
    expect(await withBen.textContent()).toBe('talking to Ben Okafor');
    expect(await withBen.getAttribute('href')).toBe(`#agent-${other.agentId}`);
    expect(await page.locator(`#agent-${other.agentId} a`).getAttribute('href')).toBe(`#live-${talking}`);

    await page.getByRole('button', { name: 'Turn on alerts' }).click();
    await page.getByRole('button', { name: 'Alerts on' }).waitFor();
    const second = await p1Waiting(h, customer.customerId);
    await expect.poll(() => page.evaluate('window.__shown'), { timeout: 10_000 }).toEqual(['Hotline console: 1 P1 caller started waiting']);
    await expect.poll(() => page.title(), { timeout: 10_000 }).toBe('2 P1 waiting · Dashboard · Hotline console');
    expect(await page.locator(`#live-${second} .where`).textContent()).toBe('number 2 in queue');

    // At 390 px nothing scrolls sideways.
    await page.setViewportSize({ width: 390, height: 844 });
    expect(await page.evaluate('document.documentElement.scrollWidth <= document.documentElement.clientWidth')).toBe(true);
  });

  it('speaks Japanese once an agent switches to it, on every page and in the notifications, and keeps it at the next sign-in', async () => {
    h = await startHarness();
    const { agent, password } = await agentWithPassword(h, { name: 'Avery Stone', languages: ['en-US'] });
    const customer = await h.hotline.customers.create({ name: 'Acme Corp', plan: 'enterprise', tier: 'premium' });
    // Avery was just offered a call: the next P1 caller waits in the queue.
    await h.hotline.store.agents.markOffered(agent.agentId, h.clock.now(), callSid());
    await p1Waiting(h, customer.customerId);

    const { browser } = (chromium = await launchChromium());
    const signIn = async (context: Awaited<ReturnType<typeof browser.newContext>>) => {
      const page = await context.newPage();
      await page.goto(`${h!.url}/console/login`);
      await page.locator('#agentId').fill(String(agent.agentId));
      await page.locator('#password').fill(password);
      await page.locator('form.login button[type=submit]').click();
      await page.locator('#h-queue').waitFor();
      return page;
    };
    // A browser set to English: the console starts in English.
    const first = await browser.newContext({ locale: 'en-US' });
    await first.grantPermissions(['notifications']);
    await first.addInitScript(`
      window.__shown = [];
      window.Notification = class { static permission = 'granted'; static requestPermission() { return Promise.resolve('granted'); }
        constructor(title, options) { window.__shown.push(title + ': ' + options.body); } };`);
    const page = await signIn(first);
    expect(await page.getAttribute('html', 'lang')).toBe('en');
    expect(await page.title()).toBe('1 P1 waiting · Dashboard · Hotline console');

    await page.getByRole('button', { name: '日本語' }).click();
    await page.getByRole('heading', { level: 1, name: 'ダッシュボード' }).waitFor();
    expect(await page.getAttribute('html', 'lang')).toBe('ja');
    expect(await page.getByRole('status').filter({ hasText: 'コンソールを日本語で表示します。' }).count()).toBe(1);
    expect(await page.title()).toBe('P1 待ち 1件 · ダッシュボード · ホットライン コンソール');
    const headings = await page.locator('main h2').allTextContents();
    expect(headings.slice(0, 3).map((t) => t.replace(/ \(.*/, ''))).toEqual(['P1 待ち', '進行中の通話', '未完了の折り返し']);
    expect(await page.locator('.queue li').first().textContent()).toMatch(/プレミアム\s+お客様ID末尾 …\d{4}、待ち時間 \d+秒/);
    expect(await page.getByRole('button', { name: 'English' }).getAttribute('aria-pressed')).toBe('false');

    // A notification in Japanese when the next P1 caller starts waiting, and the title counts them.
    await page.getByRole('button', { name: '通知をオンにする' }).click();
    await page.getByRole('button', { name: '通知オン' }).waitFor();
    const second = await p1Waiting(h, customer.customerId);
    await expect.poll(() => page.evaluate('window.__shown'), { timeout: 10_000 }).toEqual(['ホットライン コンソール: P1 のお客様1名が待ち始めました']);
    await expect.poll(() => page.title(), { timeout: 10_000 }).toBe('P1 待ち 2件 · ダッシュボード · ホットライン コンソール');
    expect(await page.locator(`#live-${second} .where`).textContent()).toBe('待ち順 2 番目');

    // The Japanese page on a phone: nothing scrolls sideways.
    await page.setViewportSize({ width: 390, height: 844 });
    expect(await page.evaluate('document.documentElement.scrollWidth <= document.documentElement.clientWidth')).toBe(true);

    // Signing out and in again from another browser, still set to English: the choice came with the account.
    await page.getByRole('button', { name: 'ログアウト' }).click();
    await page.getByRole('status').filter({ hasText: 'ログアウトしました。' }).waitFor();
    expect(await page.getAttribute('html', 'lang')).toBe('ja');
    await first.close();
    const again = await signIn(await browser.newContext({ locale: 'en-US' }));
    expect(await again.getAttribute('html', 'lang')).toBe('ja');
    await again.getByRole('heading', { level: 1, name: 'ダッシュボード' }).waitFor();
    // And back to English, from the same switch.
    await again.getByRole('button', { name: 'English' }).click();
    await again.getByRole('heading', { level: 1, name: 'Dashboard' }).waitFor();
    expect((await h.hotline.store.agents.get(agent.agentId))?.consoleLanguage).toBe('en');
  }, 60_000);
});
