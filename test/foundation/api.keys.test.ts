import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { SqliteStore } from '../../src/db/store.js';
import { api, startHarness, type Harness } from '../support/harness.js';

const ACME = { name: 'Acme Corp', plan: 'enterprise', tier: 'premium' };

describe('admin API: API keys with scopes', () => {
  let h: Harness;
  let acme: string;
  /** Makes a key through the API with the admin token; its full answer. */
  const makeKey = async (scope: string, name = `${scope} key`) => {
    const res = await api(h, 'POST', '/api/api-keys', { name, scope });
    expect(res.status).toBe(201);
    return res.body as { id: number; name: string; scope: string; key: string; createdAt: string };
  };
  beforeEach(async () => {
    h = await startHarness();
    acme = (await api(h, 'POST', '/api/customers', ACME)).body.customerId;
  });
  afterEach(async () => h.close());

  it('creates a key shown once with its prefix, lists it without the key, and stores only a hash', async () => {
    const created = await makeKey('dashboard', 'Vendor dashboard');
    expect(created).toEqual({ id: expect.any(Number), name: 'Vendor dashboard', scope: 'dashboard', key: expect.stringMatching(/^hl_live_[A-Za-z0-9_-]{43}$/), createdAt: new Date(h.clock.now()).toISOString() });
    const list = await api(h, 'GET', '/api/api-keys');
    expect(list).toEqual({
      status: 200,
      body: { items: [{ id: created.id, name: 'Vendor dashboard', scope: 'dashboard', prefix: created.key.slice(0, 12), createdAt: created.createdAt, lastUsedAt: null, revokedAt: null }] },
    });
    expect(JSON.stringify(list.body)).not.toContain(created.key.slice(12));
    // Neither the key nor any long piece of it is in the database file or the logs.
    const row = (h.hotline.store as SqliteStore).db.prepare('SELECT * FROM api_keys').get() as Record<string, unknown>;
    expect(JSON.stringify(row)).not.toContain(created.key.slice(12, 24));
    expect((row.key_hash as Buffer).length).toBe(32);
    expect(h.logs.text).not.toContain(created.key.slice(12));
  });

  it('refuses a bad name or scope with a 400 naming the field', async () => {
    expect(await api(h, 'POST', '/api/api-keys', { name: 'x', scope: 'owner' })).toMatchObject({ status: 400, body: { field: 'scope' } });
    expect(await api(h, 'POST', '/api/api-keys', { name: '', scope: 'read' })).toMatchObject({ status: 400, body: { field: 'name' } });
    expect(await api(h, 'POST', '/api/api-keys', { name: 'x', scope: 'read', key: 'mine' })).toMatchObject({ status: 400, body: { field: 'key' } });
  });

  it('a dashboard key reads codes and manages authenticators for any customer, and nothing else (403 naming the scope)', async () => {
    const { key } = await makeKey('dashboard');
    const other = (await api(h, 'POST', '/api/customers', { name: 'Other', plan: 'enterprise' })).body.customerId;
    for (const id of [acme, other]) {
      expect(await api(h, 'GET', `/api/customers/${id}/one-time-token`, undefined, key)).toMatchObject({ status: 200, body: { customerId: id, code: expect.stringMatching(/^\d{6}$/) } });
      expect((await api(h, 'POST', `/api/customers/${id}/authenticator`, undefined, key)).status).toBe(201);
    }
    expect((await api(h, 'DELETE', `/api/customers/${acme}/authenticator`, undefined, key)).status).toBe(204);
    const refusals: Array<[string, string, unknown?, string?]> = [
      ['POST', '/api/customers', ACME, 'admin'],
      ['GET', '/api/customers', undefined, 'read'],
      ['GET', `/api/customers/${acme}`, undefined, 'read'],
      ['PATCH', `/api/customers/${acme}`, { status: 'suspended' }, 'admin'],
      ['POST', `/api/customers/${acme}/unlock`, undefined, 'admin'],
      ['POST', '/api/agents', { name: 'Mallory', phone: '+14155550100' }, 'admin'],
      ['POST', '/api/api-keys', { name: 'escalate', scope: 'admin' }, 'admin'],
      ['DELETE', '/api/api-keys/1', undefined, 'admin'],
    ];
    for (const [method, path, body, needed] of refusals) {
      expect(await api(h, method, path, body, key), `${method} ${path}`).toEqual({
        status: 403,
        body: { error: 'forbidden', message: `this API key has the dashboard scope; this route needs the ${needed} scope`, requiredScope: needed },
      });
    }
    expect((await api(h, 'GET', `/api/customers/${acme}`)).body.status).toBe('active');
    expect((await api(h, 'GET', '/api/agents')).body.items).toEqual([]);
    expect((await api(h, 'GET', '/api/api-keys')).body.items).toHaveLength(1);
    // Spelled as Express would still route it, the path is still the dashboard's and nothing more.
    expect((await api(h, 'PATCH', `/api/CUSTOMERS/${acme}/`, { status: 'suspended' }, key)).status).toBe(403);
    expect((await api(h, 'GET', `/api/Customers/${acme}/One-Time-Token/`, undefined, key)).status).toBe(200);
  });

  it('a read key may only GET, and a code is not a mere read', async () => {
    const { key } = await makeKey('read');
    expect(await api(h, 'GET', '/api/customers', undefined, key)).toMatchObject({ status: 200, body: { items: [{ customerId: acme }] } });
    expect((await api(h, 'GET', '/api/agents', undefined, key)).status).toBe(200);
    expect((await api(h, 'GET', '/api/api-keys', undefined, key)).status).toBe(200);
    expect((await fetch(`${h.url}/metrics`, { headers: { authorization: `Bearer ${key}` } })).status).toBe(200);
    expect(await api(h, 'POST', '/api/customers', ACME, key)).toMatchObject({ status: 403, body: { requiredScope: 'admin' } });
    expect(await api(h, 'PATCH', `/api/customers/${acme}`, { name: 'Renamed' }, key)).toMatchObject({ status: 403, body: { requiredScope: 'admin' } });
    expect(await api(h, 'GET', `/api/customers/${acme}/one-time-token`, undefined, key)).toMatchObject({ status: 403, body: { requiredScope: 'dashboard' } });
    expect(await api(h, 'GET', `/api/customers/${acme}/one-time-token/`, undefined, key)).toMatchObject({ status: 403, body: { requiredScope: 'dashboard' } });
    expect((await api(h, 'GET', `/api/customers/${acme}`)).body.name).toBe('Acme Corp');
  });

  it('an admin key does what the admin token does, including making more keys', async () => {
    const { key } = await makeKey('admin');
    expect((await api(h, 'PATCH', `/api/customers/${acme}`, { name: 'Renamed' }, key)).status).toBe(200);
    expect((await api(h, 'POST', '/api/api-keys', { name: 'second', scope: 'read' }, key)).status).toBe(201);
    expect((await api(h, 'GET', `/api/customers/${acme}/one-time-token`, undefined, key)).status).toBe(200);
  });

  it('a revoked key is refused with 401, as an unknown one is; revoking is kept in the list', async () => {
    const dashboard = await makeKey('dashboard');
    const revoked = await api(h, 'DELETE', `/api/api-keys/${dashboard.id}`);
    expect(revoked).toMatchObject({ status: 200, body: { id: dashboard.id, revokedAt: new Date(h.clock.now()).toISOString() } });
    expect(await api(h, 'GET', `/api/customers/${acme}/one-time-token`, undefined, dashboard.key)).toEqual({
      status: 401,
      body: { error: 'unauthorized', message: 'this API key was revoked' },
    });
    const unknown = `hl_live_${'A'.repeat(43)}`;
    expect(await api(h, 'GET', `/api/customers/${acme}/one-time-token`, undefined, unknown)).toEqual({
      status: 401,
      body: { error: 'unauthorized', message: 'a valid admin bearer token is required' },
    });
    expect((await api(h, 'GET', '/api/api-keys')).body.items[0]).toMatchObject({ id: dashboard.id, revokedAt: expect.any(String) });
    expect((await api(h, 'DELETE', '/api/api-keys/999')).status).toBe(404);
    expect((await api(h, 'DELETE', '/api/api-keys/abc')).status).toBe(400);
  });

  it('records when a key was last used, and audits every use with its outcome and the key that made it', async () => {
    const { id, key } = await makeKey('dashboard', 'Vendor dashboard');
    h.clock.advance(60_000);
    await api(h, 'GET', `/api/customers/${acme}/one-time-token`, undefined, key);
    const usedAt = new Date(h.clock.now()).toISOString();
    h.clock.advance(60_000);
    await api(h, 'POST', '/api/agents', { name: 'Mallory', phone: '+14155550100' }, key);
    expect((await api(h, 'GET', `/api/api-keys/${id}`)).body).toMatchObject({ lastUsedAt: new Date(h.clock.now()).toISOString() });
    await api(h, 'DELETE', `/api/api-keys/${id}`);
    h.clock.advance(60_000);
    await api(h, 'GET', `/api/customers/${acme}/one-time-token`, undefined, key);
    const uses = await api(h, 'GET', `/api/api-keys/${id}/uses`);
    expect(uses.body.items).toEqual([
      { at: new Date(h.clock.now()).toISOString(), method: 'GET', path: `/api/customers/${acme}/one-time-token`, outcome: 'revoked' },
      { at: new Date(h.clock.now() - 60_000).toISOString(), method: 'POST', path: '/api/agents', outcome: 'forbidden' },
      { at: usedAt, method: 'GET', path: `/api/customers/${acme}/one-time-token`, outcome: 'allowed' },
    ]);
    // The revoked key's last try does not count as a use.
    expect((await api(h, 'GET', `/api/api-keys/${id}`)).body.lastUsedAt).toBe(new Date(h.clock.now() - 60_000).toISOString());
    const logged = h.logs.records().filter((r) => r.msg === 'api key used');
    expect(logged.map((r) => [r.apiKeyId, r.apiKeyName, r.outcome])).toEqual([
      [id, 'Vendor dashboard', 'allowed'],
      [id, 'Vendor dashboard', 'forbidden'],
      [id, 'Vendor dashboard', 'revoked'],
    ]);
    expect(h.logs.text).not.toContain(key.slice(12));
    // The customer ID in a logged path is masked as everywhere in the logs; the audit keeps it whole.
    expect(logged[0]!.path).toBe(`/api/customers/…${acme.slice(-4)}/one-time-token`);
    expect(h.logs.text).not.toContain(acme);
  });

  it('the admin token works as before on every route, and is not audited as a key', async () => {
    expect((await api(h, 'GET', '/api/customers')).status).toBe(200);
    expect((await api(h, 'POST', '/api/customers', { name: 'Beta', plan: 'pro' })).status).toBe(201);
    expect((await api(h, 'GET', `/api/customers/${acme}/one-time-token`)).status).toBe(200);
    expect(await h.hotline.store.apiKeys.uses({ limit: 10 })).toEqual([]);
  });
});
