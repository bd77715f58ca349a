/**
 * Takes docs/panel-en.png, docs/panel-ja-390.png and docs/panel-authenticator.png: the customer's panel
 * as the vendor's dashboard frames it, over a fresh database, in headless Chromium.
 * Run with `npx tsx scripts/panel-screenshots.ts`.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { chromium } from 'playwright-core';
import { loadConfig } from '../src/config.js';
import { ManualClock } from '../src/domain/clock.js';
import { createRequestListener } from '../src/http/app.js';
import { createHotline } from '../src/hotline.js';
import { createLogger } from '../src/logger.js';

const dir = mkdtempSync(join(tmpdir(), 'hotline-panel-screenshot-'));
const clock = new ManualClock(Date.UTC(2026, 10, 24, 5, 30, 11));
const server = createServer();
await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
const host = createServer();
await new Promise<void>((done) => host.listen(0, '127.0.0.1', done));
const hostOrigin = `http://localhost:${(host.address() as AddressInfo).port}`;
const config = {
  ...loadConfig(
    {
      HOTLINE_DB: join(dir, 'hotline.sqlite'),
      TWILIO_ACCOUNT_SID: `AC${randomBytes(16).toString('hex')}`,
      TWILIO_AUTH_TOKEN: randomBytes(16).toString('hex'),
      HOTLINE_SECRET_KEY: randomBytes(32).toString('base64'),
      HOTLINE_ADMIN_TOKEN: randomBytes(24).toString('base64url'),
      HOTLINE_PANEL_ORIGINS: hostOrigin,
    },
    { generateLocal: false },
  ),
  publicBaseUrl: url,
};
const hotline = createHotline({ config, logger: createLogger('silent'), clock });
server.on('request', createRequestListener(hotline));

const now = clock.now();
await hotline.store.numbers.setLanguage('+18005550100', 'en-US', now);
await hotline.store.numbers.setLanguage('+81120555010', 'ja-JP', now);
const { customerId } = await hotline.customers.create({ name: 'Kumo Retail KK', plan: 'enterprise', tier: 'premium' });
const { token } = await hotline.panelSessions.mint(customerId, { kind: 'admin-token' });
host.on('request', (req, res) => {
  const lang = req.url?.includes('ja') ? 'ja' : 'en';
  res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
  res.end(
    `<!doctype html><meta name="viewport" content="width=device-width, initial-scale=1"><title>Dashboard</title>` +
      `<body style="margin:0;font:15px system-ui;background:#f3f4f6"><div style="background:#24292f;color:#fff;padding:10px 16px"><b>Example Cloud</b> · Support › Contact support</div>` +
      `<iframe title="Emergency hotline" src="${url}/panel#session=${token}&lang=${lang}" style="width:100%;height:760px;border:0;background:#fff" allow="clipboard-write"></iframe>`,
  );
});

const browser = await chromium.launch({
  executablePath: '/usr/bin/chromium',
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-quic', '--no-first-run', '--disable-component-update', '--disable-sync'],
});
try {
  const shoot = async (lang: 'en' | 'ja', viewport: { width: number; height: number }, file: string, open: 'token' | 'authenticator') => {
    const page = await browser.newPage({ viewport, deviceScaleFactor: 1 });
    await page.goto(`${hostOrigin}/${lang}`);
    await page.waitForFunction('window.frames.length === 1');
    const panel = page.frames()[1]!;
    await panel.locator('#get-token').waitFor();
    await panel.locator(open === 'token' ? '#get-token' : '#authenticator').click();
    if (open === 'token') await panel.waitForFunction("/\\d{3} \\d{3}/.test(document.getElementById('code')?.textContent ?? '')");
    else await panel.locator('#key').waitFor();
    await page.screenshot({ path: resolve('docs', file) });
    await page.close();
    console.log(`docs/${file}`);
  };
  await shoot('en', { width: 1024, height: 760 }, 'panel-en.png', 'token');
  await shoot('ja', { width: 390, height: 760 }, 'panel-ja-390.png', 'token');
  await shoot('en', { width: 1024, height: 900 }, 'panel-authenticator.png', 'authenticator');
} finally {
  await browser.close();
  server.close();
  host.close();
  await hotline.close();
  rmSync(dir, { recursive: true, force: true });
}
