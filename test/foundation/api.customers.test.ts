import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { isValidCustomerId } from '../../src/domain/customerId.js';
import { api, startHarness, TEST_ADMIN_TOKEN, type Harness } from '../support/harness.js';
import { UNKNOWN_ID } from './support/fixtures.js';

const ACME = { name: 'Acme Corp', plan: 'enterprise', tier: 'premium', phone: '+14155550123' };

describe('admin API: customers', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await startHarness();
  });
  afterEach(async () => h.close());

  describe('POST /api/customers', () => {
    it('creates a customer with a generated keypad ID and answers 201', async () => {
      const res = await api(h, 'POST', '/api/customers', ACME);
      expect(res.status).toBe(201);
      expect(res.body).toMatchObject({ ...ACME, status: 'active', createdAt: h.clock.now() });
      expect(isValidCustomerId(res.body.customerId)).toBe(true);
      expect((await api(h, 'GET', `/api/customers/${res.body.customerId}`)).body).toEqual(res.body);
    });

    it('takes a given ID, defaults the enterprise tier to standard, and has no tier below enterprise', async () => {
      const given = await api(h, 'POST', '/api/customers', { name: 'Beta', plan: 'enterprise', customerId: '79927398713' });
      expect(given.body).toMatchObject({ customerId: '79927398713', tier: 'standard', phone: null });
      const pro = await api(h, 'POST', '/api/customers', { name: 'Gamma', plan: 'pro' });
      expect(pro.body).toMatchObject({ plan: 'pro', tier: null });
    });

    it('answers 400 for a body that is not JSON', async () => {
      const res = await api(h, 'POST', '/api/customers', '{"name":');
      expect(res).toMatchObject({ status: 400, body: { field: 'body' } });
    });

    it('answers 409 for an ID that is taken', async () => {
      await api(h, 'POST', '/api/customers', { ...ACME, customerId: '79927398713' });
      const res = await api(h, 'POST', '/api/customers', { ...ACME, customerId: '79927398713' });
      expect(res).toMatchObject({ status: 409, body: { error: 'conflict', field: 'customerId' } });
    });
  });

  describe('GET /api/customers/:id', () => {
    it('answers 404 for an ID without a customer and for one that is not an ID', async () => {
      expect(await api(h, 'GET', `/api/customers/${UNKNOWN_ID}`)).toEqual({ status: 404, body: { error: 'not_found', message: 'customer not found' } });
      expect((await api(h, 'GET', '/api/customers/abc')).status).toBe(404);
    });
  });

  describe('GET /api/customers', () => {
    it('pages through customers in ID order', async () => {
      const ids: string[] = [];
      for (let i = 0; i < 5; i++) ids.push((await api(h, 'POST', '/api/customers', { ...ACME, name: `Customer ${i}` })).body.customerId);
      ids.sort();
      const first = await api(h, 'GET', '/api/customers?limit=2');
      expect(first.status).toBe(200);
      expect(first.body.items.map((c: { customerId: string }) => c.customerId)).toEqual(ids.slice(0, 2));
      expect(first.body.next).toBe(ids[1]);
      const second = await api(h, 'GET', `/api/customers?limit=2&after=${first.body.next}`);
      expect(second.body.items.map((c: { customerId: string }) => c.customerId)).toEqual(ids.slice(2, 4));
      const last = await api(h, 'GET', `/api/customers?limit=2&after=${second.body.next}`);
      expect(last.body).toMatchObject({ items: [{ customerId: ids[4] }], next: null });
      expect((await api(h, 'GET', '/api/customers')).body.items).toHaveLength(5);
    });
  });

  describe('PATCH /api/customers/:id', () => {
    it('changes plan, tier, status, name and phone, and removes the phone with null', async () => {
      const { customerId } = (await api(h, 'POST', '/api/customers', ACME)).body;
      h.clock.advance(1000);
      const res = await api(h, 'PATCH', `/api/customers/${customerId}`, { tier: 'standard', status: 'suspended', name: 'Acme Inc' });
      expect(res).toMatchObject({ status: 200, body: { customerId, tier: 'standard', status: 'suspended', name: 'Acme Inc', updatedAt: h.clock.now() } });
      const downgraded = await api(h, 'PATCH', `/api/customers/${customerId}`, { plan: 'business', phone: null });
      expect(downgraded.body).toMatchObject({ plan: 'business', tier: null, phone: null });
      expect((await api(h, 'GET', `/api/customers/${customerId}`)).body).toEqual(downgraded.body);
    });

    it('answers 404 for an unknown customer', async () => {
      expect((await api(h, 'PATCH', `/api/customers/${UNKNOWN_ID}`, { name: 'X' })).status).toBe(404);
    });
  });
});

// Requests that must change nothing share one server; each checks that nothing changed.
describe('admin API: refused requests', () => {
  let h: Harness;
  let acme: string;
  beforeAll(async () => {
    h = await startHarness();
    acme = (await api(h, 'POST', '/api/customers', ACME)).body.customerId;
  });
  afterAll(async () => h.close());
  const unchanged = async () => {
    expect((await api(h, 'GET', '/api/customers')).body.items).toMatchObject([{ customerId: acme, ...ACME }]);
  };

  it.each([
    [{ ...ACME, name: undefined }, 'name'],
    [{ ...ACME, name: '   ' }, 'name'],
    [{ ...ACME, name: '\u0000' }, 'name'], // SQLite measures text up to its first NUL
    [{ ...ACME, name: '\u0000Acme' }, 'name'],
    [{ ...ACME, name: 'Acme\u001b[2J Corp' }, 'name'], // a terminal escape for the CLI's listing
    [{ ...ACME, plan: 'gold' }, 'plan'],
    [{ ...ACME, tier: 'platinum' }, 'tier'],
    [{ ...ACME, plan: 'business', tier: 'premium' }, 'tier'],
    [{ ...ACME, phone: '415-555-0123' }, 'phone'],
    [{ ...ACME, customerId: '1234567890' }, 'customerId'], // wrong check digit
    [{ ...ACME, customerId: '1234567' }, 'customerId'],
    [{ ...ACME, color: 'red' }, 'color'],
  ])('POST /api/customers answers 400 naming the field for %j', async (body, field) => {
    const res = await api(h, 'POST', '/api/customers', body);
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ error: 'invalid_request', field });
    await unchanged();
  });

  it.each([
    ['limit=0', 'limit'],
    ['limit=501', 'limit'],
    ['limit=ten', 'limit'],
    ['after=12ab', 'after'],
  ])('GET /api/customers answers 400 for ?%s', async (query, field) => {
    expect(await api(h, 'GET', `/api/customers?${query}`)).toMatchObject({ status: 400, body: { field } });
  });

  it.each([
    [{}, 'body'],
    [{ status: 'closed' }, 'status'],
    [{ name: '\u0000' }, 'name'],
    [{ name: 'Acme\u0085Corp' }, 'name'],
    [{ plan: 'pro', tier: 'premium' }, 'tier'],
    [{ phone: '+0123' }, 'phone'],
    [{ customerId: '79927398713' }, 'customerId'],
  ])('PATCH /api/customers/:id answers 400 naming the field for %j', async (body, field) => {
    expect(await api(h, 'PATCH', `/api/customers/${acme}`, body)).toMatchObject({ status: 400, body: { field } });
    await unchanged();
  });

  it('GET /healthz answers 200 without a token', async () => {
    expect(await api(h, 'GET', '/healthz', undefined, null)).toEqual({ status: 200, body: { status: 'ok' } });
  });

  const routes: Array<[string, string, unknown?]> = [
    ['POST', '/api/customers', { ...ACME, name: 'Intruder' }],
    ['GET', '/api/customers'],
    ['GET', '/api/customers/:id'],
    ['PATCH', '/api/customers/:id', { status: 'suspended' }],
    ['GET', '/api/customers/:id/one-time-token'],
    ['POST', '/api/customers/:id/authenticator'],
    ['POST', '/api/customers/:id/authenticator/confirm', { code: '123456' }],
    ['DELETE', '/api/customers/:id/authenticator'],
    ['POST', '/api/customers/:id/unlock'],
  ];
  it.each(routes)('%s %s answers 401 without the admin token or with a wrong one, and does nothing', async (method, route, body) => {
    const path = route.replace(':id', acme);
    for (const token of [null, 'wrong-token-0123456789abcdef']) {
      expect(await api(h, method, path, body, token)).toEqual({ status: 401, body: { error: 'unauthorized', message: 'a valid admin bearer token is required' } });
    }
    await unchanged();
    expect(await h.hotline.store.customers.secrets(acme, ['authenticator-pending'])).toEqual([]);
  });

  it('accepts only the exact token in a Bearer header', async () => {
    for (const authorization of [`Bearer ${TEST_ADMIN_TOKEN}x`, `Bearer ${TEST_ADMIN_TOKEN.slice(0, -1)}`, 'Bearer ', `Basic ${TEST_ADMIN_TOKEN}`, TEST_ADMIN_TOKEN]) {
      const res = await fetch(`${h.url}/api/customers`, { headers: { authorization } });
      expect(res.status, authorization).toBe(401);
    }
    expect((await fetch(`${h.url}/api/customers`, { headers: { authorization: `bearer  ${TEST_ADMIN_TOKEN}` } })).status).toBe(200);
  });
});
