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
});
