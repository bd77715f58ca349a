import { Router } from 'express';
import { DEMO_CUSTOMER, DEMO_CUSTOMER_ID } from '../domain/demo.js';
import type { Hotline } from '../hotline.js';

const escape = (text: string) => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/**
 * /demo/dashboard, in local mode only: a page that plays the vendor's dashboard (Support -> Contact
 * support) with the hotline's panel framed in it for the demo customer, so that a new user reads the
 * customer ID and the code there and calls with `npm run call`. The vendor's backend would mint the
 * panel session with a dashboard key (POST /api/customers/:id/panel-sessions); here the server mints it.
 */
export function demoRouter(hotline: Hotline): Router {
  const router = Router();
  router.get('/dashboard', async (req, res) => {
    if (!(await hotline.store.customers.get(DEMO_CUSTOMER_ID))) await hotline.customers.create({ ...DEMO_CUSTOMER });
    const session = await hotline.panelSessions.mint(DEMO_CUSTOMER_ID, { kind: 'admin-token' });
    const lang = req.query.lang === 'ja' ? 'ja' : 'en';
    const src = `/panel#session=${encodeURIComponent(session.token)}&lang=${lang}`;
    res.set('Cache-Control', 'no-store');
    res.set('Content-Security-Policy', "default-src 'none'; style-src 'unsafe-inline'; frame-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'");
    res.type('html').send(`<!doctype html>
<html lang="${lang}">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Demo dashboard: Contact support</title>
<style>
body { margin: 0; font: 16px/1.5 system-ui, sans-serif; background: #f3f4f6; color: #1b1f24; }
header { background: #24292f; color: #fff; padding: .75rem 1rem; }
main { max-width: 60rem; margin: 0 auto; padding: 1rem; }
.crumbs { color: #57606a; }
iframe { width: 100%; height: 40rem; border: 1px solid #d0d7de; border-radius: 8px; background: #fff; }
code { background: #fff; padding: .1rem .3rem; border-radius: 4px; }
</style></head>
<body>
<header><strong>Example Cloud</strong> — ${escape(DEMO_CUSTOMER.name)} (demo dashboard, local mode)</header>
<main>
<p class="crumbs">Support › Contact support</p>
<h1>Emergency hotline</h1>
<iframe title="Emergency hotline panel" src="${escape(src)}" allow="clipboard-write"></iframe>
<p>Press <strong>Get one-time token</strong>, then call the line with the phone simulator in another terminal:
<code>npm run call</code>, and type the customer ID, <code>#</code> and the code when asked.
${lang === 'ja' ? '<a href="/demo/dashboard">English</a>' : '<a href="/demo/dashboard?lang=ja">日本語</a>'}</p>
</main>
</body></html>`);
  });
  return router;
}
