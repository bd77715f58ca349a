import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/config.js';
import { api, startHarness, testConfig, type Harness } from '../support/harness.js';
import { base32Decode } from './support/base32.js';
import { codeAt, UNKNOWN_ID, wrongCode } from './support/fixtures.js';

const MINUTE = 60_000;

/** Calls the panel's API with a panel session, as the customer's browser does. */
async function panel(h: Harness, method: string, path: string, token: string | null, body?: unknown) {
  const res = await fetch(`${h.url}/panel/api${path}`, {
    method,
    headers: { ...(token !== null && { authorization: `Bearer ${token}` }), ...(body !== undefined && { 'content-type': 'application/json' }) },
    ...(body !== undefined && { body: JSON.stringify(body) }),
  });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : undefined, cacheControl: res.headers.get('cache-control') };
}

describe('panel sessions: minted with a dashboard key, good for one customer only', () => {
  let h: Harness;
  let dashboardKey: string;
  let dashboardKeyId: number;
  let acme: string;
  let beta: string;
  const mint = (customerId: string, key: string = dashboardKey) => api(h, 'POST', `/api/customers/${customerId}/panel-sessions`, undefined, key);
  const sessionFor = async (customerId: string) => {
    const res = await mint(customerId);
    expect(res.status).toBe(201);
    return res.body.token as string;
  };

  const start = async (env: Record<string, string> = {}) => {
    h = await startHarness({ now: Date.UTC(2026, 10, 23, 12, 0, 12), env });
    const created = (await api(h, 'POST', '/api/api-keys', { name: 'Vendor dashboard', scope: 'dashboard' })).body;
    dashboardKey = created.key;
    dashboardKeyId = created.id;
    acme = (await api(h, 'POST', '/api/customers', { name: 'Acme Corp', plan: 'enterprise', tier: 'premium' })).body.customerId;
    beta = (await api(h, 'POST', '/api/customers', { name: 'Beta Ltd', plan: 'enterprise' })).body.customerId;
  };
  beforeEach(async () => start());
  afterEach(async () => h.close());

  it('a dashboard key mints a session of 10 minutes that shows that customer the current code, uncached', async () => {
    const res = await mint(acme);
    expect(res).toEqual({
      status: 201,
      body: { token: expect.stringMatching(/^hl_panel_[A-Za-z0-9_-]+\.[A-Za-z0-9_-]{43}$/), customerId: acme, expiresAt: new Date(h.clock.now() + 10 * MINUTE).toISOString(), expiresInSeconds: 600 },
    });
    const shown = await panel(h, 'GET', '/token', res.body.token);
    const dashboard = (await api(h, 'GET', `/api/customers/${acme}/one-time-token`)).body;
    expect(shown).toEqual({ status: 200, body: { ...dashboard, spent: false }, cacheControl: 'no-store' });
    expect(await panel(h, 'GET', '/session', res.body.token)).toMatchObject({
      status: 200,
      body: { customerId: acme, name: 'Acme Corp', expiresAt: res.body.expiresAt, authenticator: { enrolled: false, pending: false } },
    });
  });

  it('says when the code shown was just spent by a call, and shows the next one once it exists', async () => {
    const token = await sessionFor(acme);
    const { code } = (await panel(h, 'GET', '/token', token)).body;
    expect(await h.hotline.verifyCaller(acme, code, {})).toMatchObject({ verified: true });
    expect((await panel(h, 'GET', '/token', token)).body).toMatchObject({ code, spent: true, expiresInSeconds: 18 });
    h.clock.advance(18_000);
    const next = (await panel(h, 'GET', '/token', token)).body;
    expect(next).toMatchObject({ spent: false, expiresInSeconds: 30 });
    expect(next.code).not.toBe(code);
  });

  it("a session for one customer cannot read or change another's: the customer is in the signed token, nowhere else", async () => {
    const token = await sessionFor(acme);
    expect((await panel(h, 'GET', `/token?customerId=${beta}`, token)).body.customerId).toBe(acme);
    // Swapping the customer in the token breaks its signature.
    const [payload, signature] = token.slice('hl_panel_'.length).split('.') as [string, string];
    const forged = JSON.parse(Buffer.from(payload, 'base64url').toString());
    const swapped = `hl_panel_${Buffer.from(JSON.stringify({ ...forged, c: beta })).toString('base64url')}.${signature}`;
    expect(await panel(h, 'GET', '/token', swapped)).toMatchObject({ status: 401, body: { error: 'unauthorized' } });
    expect(await panel(h, 'POST', '/authenticator', swapped)).toMatchObject({ status: 401 });
    expect(await h.hotline.store.customers.secrets(beta, ['authenticator-pending'])).toEqual([]);
    // A panel session is not a key: the admin API refuses it.
    expect((await api(h, 'GET', `/api/customers/${beta}/one-time-token`, undefined, token)).status).toBe(401);
    expect((await api(h, 'GET', `/api/customers/${acme}/one-time-token`, undefined, token)).status).toBe(401);
  });

  it('an expired, tampered, missing or made-up session is refused with 401', async () => {
    const token = await sessionFor(acme);
    h.clock.advance(10 * MINUTE - 1);
    expect((await panel(h, 'GET', '/token', token)).status).toBe(200);
    h.clock.advance(1);
    expect(await panel(h, 'GET', '/token', token)).toMatchObject({
      status: 401,
      body: { error: 'unauthorized', message: 'the panel session is invalid or has expired: open the panel again' },
      cacheControl: 'no-store',
    });
    const fresh = await sessionFor(acme);
    // One character of the signature changed (in the middle: every bit of it counts), and its last
    // character spelled otherwise (the same bytes in base64url, but not the signature as made).
    const at = fresh.length - 20;
    const flipped = `${fresh.slice(0, at)}${fresh[at] === 'A' ? 'B' : 'A'}${fresh.slice(at + 1)}`;
    const BASE64URL = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
    const respelled = `${fresh.slice(0, -1)}${BASE64URL[BASE64URL.indexOf(fresh.at(-1)!) + 1]}`;
    expect(Buffer.from(respelled.split('.')[1]!, 'base64url')).toEqual(Buffer.from(fresh.split('.')[1]!, 'base64url'));
    const longer = `hl_panel_${Buffer.from(JSON.stringify({ c: acme, e: h.clock.now() + 1e9, k: dashboardKeyId })).toString('base64url')}.${fresh.split('.')[1]}`;
    for (const bad of [flipped, respelled, longer, null, '', 'hl_panel_x.y', dashboardKey, h.config.adminToken, `${fresh}x`]) {
      expect((await panel(h, 'GET', '/token', bad)).status, String(bad)).toBe(401);
    }
  });

  it('lasts HOTLINE_PANEL_SESSION_MINUTES when set', async () => {
    await h.close();
    await start({ HOTLINE_PANEL_SESSION_MINUTES: '2' });
    const res = await mint(acme);
    expect(res.body).toMatchObject({ expiresAt: new Date(h.clock.now() + 2 * MINUTE).toISOString(), expiresInSeconds: 120 });
    h.clock.advance(2 * MINUTE);
    expect((await panel(h, 'GET', '/token', res.body.token)).status).toBe(401);
    for (const bad of ['0', '61', 'ten']) {
      expect(() => testConfig(h.dir, { HOTLINE_PANEL_SESSION_MINUTES: bad })).toThrow(
        new ConfigError(`HOTLINE_PANEL_SESSION_MINUTES: must be a number of minutes from 1 to 60 (got ${JSON.stringify(bad)})`),
      );
    }
  });

  it('is refused for a customer not on Enterprise or suspended, with a reason the panel can show', async () => {
    const pro = (await api(h, 'POST', '/api/customers', { name: 'Gamma', plan: 'pro' })).body.customerId;
    expect(await mint(pro)).toEqual({
      status: 403,
      body: { error: 'not_eligible', reason: 'not_enterprise', message: 'the emergency line is part of Enterprise plans' },
    });
    await api(h, 'PATCH', `/api/customers/${beta}`, { status: 'suspended' });
    expect(await mint(beta)).toMatchObject({ status: 403, body: { error: 'not_eligible', reason: 'suspended' } });
    expect((await mint(UNKNOWN_ID)).status).toBe(404);
  });

  it('ends at once when its customer is suspended or leaves Enterprise, or the key that made it is revoked', async () => {
    const token = await sessionFor(acme);
    await api(h, 'PATCH', `/api/customers/${acme}`, { status: 'suspended' });
    expect(await panel(h, 'GET', '/token', token)).toMatchObject({ status: 403, body: { error: 'not_eligible', reason: 'suspended' } });
    await api(h, 'PATCH', `/api/customers/${acme}`, { status: 'active', plan: 'business' });
    expect(await panel(h, 'GET', '/token', token)).toMatchObject({ status: 403, body: { reason: 'not_enterprise', message: 'the emergency line is part of Enterprise plans' } });
    const betaSession = await sessionFor(beta);
    expect((await panel(h, 'GET', '/token', betaSession)).status).toBe(200);
    await api(h, 'DELETE', `/api/api-keys/${dashboardKeyId}`);
    expect((await panel(h, 'GET', '/token', betaSession)).status).toBe(401);
  });

  it('only a dashboard or admin key mints one; a read key is refused with the scope needed', async () => {
    const read = (await api(h, 'POST', '/api/api-keys', { name: 'Reports', scope: 'read' })).body.key;
    expect(await mint(acme, read)).toMatchObject({ status: 403, body: { requiredScope: 'dashboard' } });
    expect((await mint(acme, h.config.adminToken)).status).toBe(201);
    const uses = (await api(h, 'GET', `/api/api-keys/${dashboardKeyId}/uses`)).body.items;
    expect(uses).toEqual([]);
    await mint(acme);
    expect((await api(h, 'GET', `/api/api-keys/${dashboardKeyId}/uses`)).body.items).toEqual([
      expect.objectContaining({ method: 'POST', path: `/api/customers/${acme}/panel-sessions`, outcome: 'allowed' }),
    ]);
  });

  it("sets up the session's customer's authenticator: the code computed from its key confirms it, and a call verifies with the app's next code", async () => {
    const token = await sessionFor(acme);
    const enrolled = await panel(h, 'POST', '/authenticator', token);
    expect(enrolled).toMatchObject({ status: 201, cacheControl: 'no-store', body: { otpauthUri: expect.stringContaining(`otpauth://totp/`), qrSvg: expect.stringContaining('<svg') } });
    expect((await panel(h, 'GET', '/session', token)).body.authenticator).toEqual({ enrolled: false, pending: true });
    const secret = base32Decode(enrolled.body.secret);
    expect(await panel(h, 'POST', '/authenticator/confirm', token, { code: await wrongCode(h.hotline, acme) })).toMatchObject({ status: 400, body: { field: 'code' } });
    expect(await panel(h, 'POST', '/authenticator/confirm', token, { code: codeAt(h.hotline, secret) })).toMatchObject({ status: 200, body: { confirmed: true } });
    expect((await panel(h, 'GET', '/session', token)).body.authenticator).toEqual({ enrolled: true, pending: false });
    h.clock.advance(30_000);
    expect(await h.hotline.verifyCaller(acme, codeAt(h.hotline, secret), {})).toMatchObject({ verified: true, factor: 'authenticator' });
    expect(await h.hotline.store.customers.secrets(beta, ['authenticator', 'authenticator-pending'])).toEqual([]);
    expect(await panel(h, 'DELETE', '/authenticator', token)).toMatchObject({ status: 204 });
    expect(await panel(h, 'DELETE', '/authenticator', token)).toMatchObject({ status: 404 });
    expect(await panel(h, 'GET', '/nothing-here', token)).toMatchObject({ status: 404 });
  });

  it('never logs a panel session token', async () => {
    const token = await sessionFor(acme);
    await panel(h, 'GET', '/token', token);
    expect(h.logs.text).not.toContain(token.split('.')[1]);
  });
});
