import { afterEach, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from '../support/harness.js';
import { launchChromium } from './support/browser.js';
import { agentWithPassword } from './support/consoleClient.js';
import { p2Call } from './support/twilio.js';

describe('the agent console in headless Chromium', () => {
  let h: Harness | undefined;
  let chromium: Awaited<ReturnType<typeof launchChromium>> | undefined;
  afterEach(async () => {
    await chromium?.close();
    await h?.close();
  });

  it('an agent signs in, watches a scheduled callback appear, completes it and sees it completed', async () => {
    h = await startHarness();
    const customer = await h.hotline.customers.create({ name: 'Acme Corp', plan: 'enterprise', tier: 'standard' });
    const { agent, password } = await agentWithPassword(h);
    chromium = await launchChromium();
    const page = await chromium.browser.newPage();
    const problems: string[] = [];
    page.on('pageerror', (err) => problems.push(err.message));
    page.on('console', (msg) => msg.type() === 'error' && problems.push(msg.text()));
    page.on('response', (res) => res.status() >= 400 && res.status() !== 401 && problems.push(`${res.status()} ${res.url()}`));

    await page.goto(`${h.url}/console`);
    await expect.poll(() => page.url()).toBe(`${h.url}/console/login`);
    // The sign-in form works from the keyboard alone: focus starts in the first field.
    expect(await page.locator(':focus').getAttribute('id')).toBe('agentId');
    await page.keyboard.type(String(agent.agentId));
    await page.keyboard.press('Tab');
    await page.keyboard.type(password);
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { level: 1, name: 'Dashboard' }).waitFor();
    await page.keyboard.press('Tab');
    expect(await page.locator(':focus').textContent()).toBe('Skip to content');
    await page.getByText('No callbacks are owed.').waitFor();

    // A Standard Enterprise caller chooses P2 on the phone: the flow books a callback due in 4 hours.
    const callSid = await p2Call(h, customer.customerId);
    const callback = (await h.hotline.store.callbacks.byCallSid(callSid))!;

    // No reload: the page refreshes itself and the callback appears with its deadline and SLA state.
    const row = page.locator('#open-callbacks tr', { hasText: callback.reference });
    await row.waitFor({ timeout: 10_000 });
    // The page counts down by itself between refreshes (here from the server's frozen test clock).
    expect(await row.textContent()).toMatch(/On time[\s\S]*(4 h 00|3 h 59) min left/);
    expect(await row.textContent()).toContain(`ID ending …${customer.customerId.slice(-4)}`);
    await expect.poll(() => page.locator('#live-status').textContent()).toContain('1 open callback');

    // Complete asks what became of the callback before it closes it.
    await page.getByRole('link', { name: `Complete… callback ${callback.reference}` }).click();
    await page.getByRole('heading', { level: 1, name: `Complete callback ${callback.reference}` }).waitFor();
    await page.getByRole('button', { name: 'Complete callback' }).click();
    expect(await page.getByRole('heading', { level: 1, name: `Complete callback ${callback.reference}` }).isVisible()).toBe(true);
    await page.getByLabel('Reached the customer').check();
    await page.getByRole('button', { name: 'Complete callback' }).click();
    await page.getByRole('status').filter({ hasText: `Callback ${callback.reference} marked completed.` }).waitFor();
    await page.getByRole('link', { name: '← Dashboard' }).click();
    const closed = page.locator('#closed-callbacks tr', { hasText: callback.reference });
    await closed.waitFor();
    expect(await closed.textContent()).toMatch(/Reached the customer[\s\S]*Aiko Tanaka/);
    expect(await page.getByText('No callbacks are owed.').isVisible()).toBe(true);
    expect((await h.hotline.store.callbacks.get(callback.callbackId))!.status).toBe('completed');
    // Nothing was blocked by the Content-Security-Policy and the script threw nothing.
    expect(problems).toEqual([]);
  }, 60_000);
});
