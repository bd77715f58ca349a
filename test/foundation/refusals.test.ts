import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { SecretBox } from '../../src/crypto/secretBox.js';
import { startHarness, type Harness } from '../support/harness.js';
import { UNKNOWN_ID, enterpriseCustomer, wrongCode } from './support/fixtures.js';

// What a caller learns must not tell an unknown ID from a suspended, locked or mistyped one.
describe('refusals look alike', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await startHarness();
  });
  afterEach(async () => {
    vi.restoreAllMocks();
    await h.close();
  });

  /** One attempt of each kind of refusal, each with a code that is right where the ID has a customer. */
  async function attempts() {
    const suspended = await enterpriseCustomer(h.hotline);
    await h.hotline.customers.update(suspended.customerId, { status: 'suspended' });
    const locked = await enterpriseCustomer(h.hotline);
    for (let i = 0; i < 5; i++) await h.hotline.verifyCaller(locked.customerId, await wrongCode(h.hotline, locked.customerId), {});
    const active = await enterpriseCustomer(h.hotline);
    const pairs: Record<string, [string, string]> = {
      unknown_customer: [UNKNOWN_ID, '123456'],
      suspended: [suspended.customerId, (await h.hotline.customers.dashboardCode(suspended.customerId)).code],
      locked: [locked.customerId, (await h.hotline.customers.dashboardCode(locked.customerId)).code],
      wrong_code: [active.customerId, await wrongCode(h.hotline, active.customerId)],
    };
    return Object.entries(pairs).map(([reason, [id, code]]) => ({ reason, attempt: () => h.hotline.verifyCaller(id, code, {}) }));
  }

  it('unknown, suspended, locked and wrong are all verified:false in the same shape', async () => {
    for (const { reason, attempt } of await attempts()) {
      const { held, ...result } = (await attempt()) as { held?: unknown };
      expect(result).toEqual({ verified: false, reason, lockedNow: false });
      // A locked ID's caller is held for a person (the backup desk, or a callback to the phone on file); the caller hears the same either way.
      if (reason === 'locked') expect(held).toMatchObject({ failures: 5 });
      else expect(held).toBeUndefined();
    }
  });

  // Timing is too noisy to assert on a shared machine; the work that dominates it can be counted.
  it('each of them opens two secrets (a stand-in for a missing one), known customer or not', async () => {
    const tries = await attempts();
    const open = vi.spyOn(SecretBox.prototype, 'open');
    for (const { reason, attempt } of tries) {
      open.mockClear();
      await attempt();
      expect(open.mock.calls.length, reason).toBe(2);
    }
  });

  it("a suspended customer's right code is refused, and counts towards the lock", async () => {
    const { customerId } = await enterpriseCustomer(h.hotline);
    await h.hotline.customers.update(customerId, { status: 'suspended' });
    expect(await h.hotline.verifyCaller(customerId, (await h.hotline.customers.dashboardCode(customerId)).code, {})).toMatchObject({
      verified: false,
      reason: 'suspended',
    });
    expect((await h.hotline.store.verification.failureState(customerId)).consecutiveFailures).toBe(1);
  });

  it.each([['12345'], ['1234567'], ['12345a'], ['١٢٣٤٥٦'], [' 123456']])('refuses %j as a malformed code: only six ASCII digits are checked', async (code) => {
    const { customerId } = await enterpriseCustomer(h.hotline);
    expect(await h.hotline.verifyCaller(customerId, code, {})).toEqual({ verified: false, reason: 'malformed_code', lockedNow: false });
  });

  it('refuses an ID that is not 8-12 digits with a valid check digit, and audits it', async () => {
    expect(await h.hotline.verifyCaller('1234567890', '123456', {})).toMatchObject({ verified: false, reason: 'malformed_id' });
    expect(await h.hotline.store.verification.audit({ customerId: '1234567890', limit: 1 })).toMatchObject([{ reason: 'malformed_id' }]);
  });
});
