import { afterEach, describe, expect, it } from 'vitest';
import { api, startHarness, type Harness } from '../support/harness.js';
import { agentWithPassword, ConsoleClient } from './support/consoleClient.js';

let h: Harness;
afterEach(async () => h?.close());

describe('admins manage API keys in the console', () => {
  it('makes a key shown once, lists it by its prefix only, and revokes it after a confirmation', async () => {
    h = await startHarness();
    const admin = await agentWithPassword(h, { name: 'Ada Admin', isAdmin: true });
    const c = new ConsoleClient(h);
    await c.signIn(admin.agent.agentId, admin.password);
    expect((await c.get('/console')).text).toContain('href="/console/api-keys"');
    const empty = await c.get('/console/api-keys');
    expect(empty.status).toBe(200);
    expect(empty.text).toContain('No API keys yet.');

    const bad = await c.postForm('/console/api-keys', { name: 'Vendor', scope: 'owner' });
    expect(bad.status).toBe(400);
    expect(bad.text).toContain('Choose admin, dashboard or read');
    expect(await h.hotline.apiKeys.list()).toEqual([]);

    const made = await c.postForm('/console/api-keys', { name: 'Vendor dashboard', scope: 'dashboard' });
    expect(made.status).toBe(201);
    expect(made.headers.get('cache-control')).toBe('no-store');
    const key = /value="(hl_live_[A-Za-z0-9_-]{43})"/.exec(made.text)![1]!;
    const customer = (await api(h, 'POST', '/api/customers', { name: 'Acme', plan: 'enterprise' })).body.customerId;
    expect((await api(h, 'GET', `/api/customers/${customer}/one-time-token`, undefined, key)).status).toBe(200);

    const listed = await c.get('/console/api-keys');
    expect(listed.text).toContain(`<code>${key.slice(0, 12)}…</code>`);
    expect(listed.text).not.toContain(key.slice(12));

    const unconfirmed = await c.postForm('/console/api-keys/1/revoke', {});
    expect(unconfirmed.status).toBe(400);
    expect((await h.hotline.apiKeys.get(1)).revokedAt).toBeNull();
    const revoked = await c.postForm('/console/api-keys/1/revoke', { confirm: '1' });
    expect(revoked).toMatchObject({ status: 303, location: '/console/api-keys?done=key-revoked&ref=1' });
    expect((await c.get(revoked.location!)).text).toContain('API key 1 revoked');
    expect((await api(h, 'GET', `/api/customers/${customer}/one-time-token`, undefined, key)).status).toBe(401);
    expect(h.logs.text).not.toContain(key.slice(12));
  });

  it('is for admins only', async () => {
    h = await startHarness();
    const agent = await agentWithPassword(h, { name: 'Ben' });
    const c = new ConsoleClient(h);
    await c.signIn(agent.agent.agentId, agent.password);
    expect((await c.get('/console')).text).not.toContain('href="/console/api-keys"');
    expect((await c.get('/console/api-keys')).status).toBe(403);
    expect((await c.postForm('/console/api-keys', { name: 'Mine', scope: 'admin' })).status).toBe(403);
    expect(await h.hotline.apiKeys.list()).toEqual([]);
  });
});
