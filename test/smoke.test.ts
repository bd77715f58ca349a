import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { api, startHarness, type Harness } from './support/harness.js';

describe('smoke', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await startHarness();
  });
  afterEach(async () => h.close());

  it('creates an enterprise customer and shows its dashboard code', async () => {
    const created = await api(h, 'POST', '/api/customers', { name: 'Acme', plan: 'enterprise', tier: 'premium' });
    expect(created.status).toBe(201);
    const code = await api(h, 'GET', `/api/customers/${created.body.customerId}/one-time-token`);
    expect(code.status).toBe(200);
    expect(code.body.code).toMatch(/^\d{6}$/);
    const verdict = await h.hotline.verifyCaller(created.body.customerId, code.body.code, { caller: '+14155550100' });
    expect(verdict.verified).toBe(true);
    const again = await h.hotline.verifyCaller(created.body.customerId, code.body.code, { caller: '+14155550100' });
    expect(again).toMatchObject({ verified: false, reason: 'reused_code' });
  });
});
