import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Frame, Page } from 'playwright-core';
import { afterEach, describe, expect, it } from 'vitest';
import { codeForStep, timeStepAt } from '../../src/domain/totp.js';
import { base32Decode } from '../foundation/support/base32.js';
import { api, startHarness, type Harness } from '../support/harness.js';
import { placeCall } from '../support/calls.js';
import { launchChromium } from './support/browser.js';

/** The vendor's dashboard: another origin, framing the panel with a session its backend minted. */
async function startHost(): Promise<{ server: Server; port: number; page(src: string): string }> {
  const pages = new Map<string, string>();
  const server = createServer((req, res) => {
    const html = pages.get(req.url ?? '');
    res.writeHead(html ? 200 : 404, { 'content-type': 'text/html; charset=utf-8' });
    res.end(html ?? 'not found');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  let n = 0;
  return {
    server,
    port,
    page(src) {
      const path = `/support-${++n}`;
      pages.set(path, `<!doctype html><link rel="icon" href="data:,"><title>Vendor dashboard</title><h1>Contact support</h1><iframe title="Emergency hotline" src="${src}" style="width:100%;height:720px;border:0" allow="clipboard-write"></iframe>`);
      return path;
    },
  };
}

describe('the customer panel, framed by the vendor dashboard, in headless Chromium', () => {
  let h: Harness | undefined;
  let host: Awaited<ReturnType<typeof startHost>> | undefined;
  let chromium: Awaited<ReturnType<typeof launchChromium>> | undefined;
  afterEach(async () => {
    await chromium?.close();
    await h?.close();
    if (host) await new Promise((resolve) => host!.server.close(resolve));
    chromium = undefined;
    h = undefined;
    host = undefined;
  });

  async function setUp() {
    host = await startHost();
    const dashboardOrigin = `http://localhost:${host.port}`;
    h = await startHarness({ env: { HOTLINE_PANEL_ORIGINS: dashboardOrigin } });
    expect((await api(h, 'PUT', '/api/numbers/+18005550100', { language: 'en-US' })).status).toBe(200);
    expect((await api(h, 'PUT', '/api/numbers/+81120555010', { language: 'ja-JP' })).status).toBe(200);
    const key = (await api(h, 'POST', '/api/api-keys', { name: 'Vendor dashboard', scope: 'dashboard' })).body.key as string;
    const customerId = (await api(h, 'POST', '/api/customers', { name: 'Acme Corp', plan: 'enterprise', tier: 'premium' })).body.customerId as string;
    const minted = await api(h, 'POST', `/api/customers/${customerId}/panel-sessions`, undefined, key);
    expect(minted.status).toBe(201);
    chromium = await launchChromium();
    const page = await chromium.browser.newPage();
    const problems: string[] = [];
    page.on('pageerror', (err) => problems.push(err.message));
    page.on('console', (msg) => msg.type() === 'error' && problems.push(msg.text()));
    page.on('response', (res) => res.status() >= 400 && problems.push(`${res.status()} ${res.url()}`));
    return { h, host, page, problems, key, customerId, token: minted.body.token as string, dashboardOrigin };
  }

  async function panelIn(page: Page): Promise<Frame> {
    await expect.poll(() => page.frames().length).toBe(2);
    return page.frames()[1]!;
  }

  it('shows the numbers and the current code, which verifies a call; says so when a call spends it, then shows the next', async () => {
    const { h, host, page, problems, customerId, token, dashboardOrigin } = await setUp();
    await page.goto(`${dashboardOrigin}${host.page(`${h.url}/panel#session=${token}&lang=en`)}`);
    const panel = await panelIn(page);
    await panel.getByRole('heading', { level: 1, name: 'Emergency hotline' }).waitFor();
    // The session never stays in the panel's address.
    expect(panel.url()).toBe(`${h.url}/panel`);
    expect(await panel.getByRole('link', { name: '+1 800 555 0100' }).getAttribute('href')).toBe('tel:+18005550100');
    expect(await panel.locator('.numbers').textContent()).toContain('日本語 (Japanese)');

    await panel.getByRole('button', { name: 'Get one-time token' }).click();
    const dialog = panel.getByRole('dialog', { name: 'Your one-time token' });
    await dialog.waitFor();
    expect((await panel.locator('#customer-id').textContent())!.replace(/ /g, '')).toBe(customerId);
    await expect.poll(async () => (await panel.locator('#code').textContent())!.replace(/ /g, '')).toMatch(/^\d{6}$/);
    const shown = (await panel.locator('#code').textContent())!.replace(/ /g, '');
    const { code } = (await api(h, 'GET', `/api/customers/${customerId}/one-time-token`)).body;
    expect(shown).toBe(code);
    // The code is not in a live region: a screen reader is not told a new number every 30 s.
    expect(await panel.locator('#code').evaluate((node) => node.closest('[aria-live]'))).toBeNull();
    expect(await panel.locator('#countdown').textContent()).toMatch(/^New code in \d+ s$/);

    const call = await placeCall(h, [`${customerId}#`, shown, '3']);
    expect(call.said()).toContain('You are verified.');
    await panel.getByText(/This code was just used by a call\. The next code appears in \d+ s\./).waitFor({ timeout: 10_000 });

    h.clock.advance(30_000);
    await expect.poll(async () => (await panel.locator('#code').textContent())!.replace(/ /g, ''), { timeout: 10_000 }).not.toBe(shown);
    expect(await panel.locator('#spent').isHidden()).toBe(true);
    // Escape closes the dialog and gives focus back to the button that opened it.
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'detached' });
    expect(await panel.locator(':focus').textContent()).toBe('Get one-time token');
    expect(problems).toEqual([]);
  });

  it('enrolls an authenticator app from the keyboard alone, whose code then verifies a call; removing it asks first', async () => {
    const { h, host, page, problems, customerId, token, dashboardOrigin } = await setUp();
    await page.goto(`${dashboardOrigin}${host.page(`${h.url}/panel#session=${token}&lang=en`)}`);
    const panel = await panelIn(page);
    await panel.getByRole('button', { name: 'Set up authenticator app' }).focus();
    await page.keyboard.press('Enter');
    await panel.getByRole('heading', { level: 1, name: 'Authenticator app' }).waitFor();
    expect(await panel.getByRole('img', { name: /QR code/ }).getAttribute('src')).toMatch(/^data:image\/svg\+xml/);
    const key = (await panel.locator('#key').textContent())!;
    expect(key).toMatch(/^([A-Z2-7]{4} )+[A-Z2-7]{1,4}$/);
    const secret = base32Decode(key.replace(/ /g, ''));

    await panel.getByLabel('Enter the 6-digit code the app now shows:').fill('000000' === codeForStep(secret, timeStepAt(h.clock.now())) ? '111111' : '000000');
    await page.keyboard.press('Enter');
    await panel.getByText('That code did not match.', { exact: false }).waitFor();
    await panel.getByLabel('Enter the 6-digit code the app now shows:').fill(codeForStep(secret, timeStepAt(h.clock.now())));
    await page.keyboard.press('Enter');
    await panel.getByRole('heading', { name: 'Your authenticator app is set up.' }).waitFor();

    h.clock.advance(30_000);
    const call = await placeCall(h, [`${customerId}#`, codeForStep(secret, timeStepAt(h.clock.now())), '3']);
    expect(call.said()).toContain('You are verified.');
    const audit = await h.hotline.store.verification.audit({ customerId, limit: 1 });
    expect(audit[0]).toMatchObject({ result: 'verified', factor: 'authenticator' });

    await panel.getByRole('button', { name: 'Done' }).click();
    await panel.getByRole('button', { name: 'Authenticator app' }).click();
    await panel.getByRole('button', { name: 'Remove authenticator app' }).click();
    const ask = panel.getByRole('alertdialog');
    await ask.waitFor();
    expect(await ask.textContent()).toContain('Its codes stop working at once.');
    await panel.getByRole('button', { name: 'Cancel' }).click();
    expect(await h.hotline.store.customers.secrets(customerId, ['authenticator'])).toHaveLength(1);
    await panel.getByRole('button', { name: 'Remove authenticator app' }).click();
    await panel.getByRole('button', { name: 'Remove', exact: true }).click();
    await panel.getByRole('button', { name: 'Set up authenticator app' }).waitFor();
    h.clock.advance(30_000);
    const refused = await placeCall(h, [`${customerId}#`, codeForStep(secret, timeStepAt(h.clock.now()))]);
    expect(refused.said()).toContain('That ID and code did not match.');
    // Only the wrong first code was refused.
    expect(problems).toEqual([`400 ${h.url}/panel/api/authenticator/confirm`, 'Failed to load resource: the server responded with a status of 400 (Bad Request)']);
  });

  it('speaks Japanese when the host asks, and fits a 390 px phone without scrolling sideways', async () => {
    const { h, host, page, token, dashboardOrigin } = await setUp();
    await page.setViewportSize({ width: 390, height: 844 });
    await page.goto(`${dashboardOrigin}${host.page(`${h.url}/panel#session=${token}&lang=ja`)}`);
    const panel = await panelIn(page);
    await panel.getByRole('heading', { level: 1, name: '緊急ホットライン' }).waitFor();
    expect(await panel.locator('html').getAttribute('lang')).toBe('ja');
    await panel.getByRole('button', { name: 'ワンタイムトークンを表示' }).click();
    await panel.getByRole('dialog', { name: 'ワンタイムトークン' }).waitFor();
    await expect.poll(async () => panel.locator('#countdown').textContent()).toMatch(/^あと\d+秒で新しいコード$/);
    expect(await panel.evaluate('document.documentElement.scrollWidth <= document.documentElement.clientWidth')).toBe(true);
  });

  it('refuses to be framed by an origin not listed, and an expired or tampered session', async () => {
    const { h, host, page, token, dashboardOrigin } = await setUp();
    const res = await fetch(`${h.url}/panel`);
    expect(res.headers.get('content-security-policy')).toContain(`frame-ancestors 'self' ${dashboardOrigin}`);
    expect(res.headers.get('cache-control')).toBe('no-store');
    expect(res.headers.get('x-frame-options')).toBeNull();

    // The same host reached as 127.0.0.1 is another origin, not listed: Chromium does not load the panel.
    await page.goto(`http://127.0.0.1:${host.port}${host.page(`${h.url}/panel#session=${token}`)}`);
    await expect.poll(() => page.frames().length).toBe(2);
    await expect.poll(() => page.frames()[1]!.url()).toMatch(/^chrome-error:/);

    await page.goto(`${dashboardOrigin}${host.page(`${h.url}/panel#session=${token.slice(0, -2)}xx`)}`);
    const tampered = await panelIn(page);
    await tampered.getByText('This page has expired for your security.', { exact: false }).waitFor();

    h.clock.advance(11 * 60_000);
    await page.goto(`${dashboardOrigin}${host.page(`${h.url}/panel#session=${token}`)}`);
    const expired = await panelIn(page);
    await expired.getByRole('alert').getByText('This page has expired for your security.', { exact: false }).waitFor();
  });

  it('the demo dashboard of local mode frames the panel for the demo customer, whose code verifies a call; elsewhere it does not exist', async () => {
    const plain = await startHarness();
    expect((await fetch(`${plain.url}/demo/dashboard`)).status).toBe(404);
    await plain.close();

    h = await startHarness({ localMode: true });
    chromium = await launchChromium();
    const page = await chromium.browser.newPage();
    await page.goto(`${h.url}/demo/dashboard`);
    const panel = await panelIn(page);
    await panel.getByRole('button', { name: 'Get one-time token' }).click();
    await expect.poll(async () => (await panel.locator('#code').textContent())!.replace(/ /g, '')).toMatch(/^\d{6}$/);
    const customerId = (await panel.locator('#customer-id').textContent())!.replace(/ /g, '');
    expect(customerId).toBe('4242424242');
    const code = (await panel.locator('#code').textContent())!.replace(/ /g, '');
    const call = await placeCall(h, [`${customerId}#`, code, '3']);
    expect(call.said()).toContain('You are verified.');
  });
});
