import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { enterpriseCustomer, codeAt, plainSecret } from './support/fixtures.js';
import { startHarness, type Harness } from '../support/harness.js';

// The caller reads the code, dials, listens to prompts and types it: codes from the two previous
// steps (up to 90 s old) and the next one (a fast clock) are accepted, nothing further.
describe('the accepted window of time steps', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await startHarness({ now: Date.UTC(2026, 10, 23, 12, 0, 10) });
  });
  afterEach(async () => h.close());

  const verifyCodeOfStep = async (offset: number) => {
    const customer = await enterpriseCustomer(h.hotline);
    const code = codeAt(h.hotline, await plainSecret(h.hotline, customer.customerId, 'dashboard'), offset);
    return h.hotline.verifyCaller(customer.customerId, code, { caller: '+14155550100' });
  };

  it.each([-2, -1, 0, 1])('accepts the code of step t%+d', async (offset) => {
    expect(await verifyCodeOfStep(offset)).toMatchObject({ verified: true, factor: 'dashboard' });
  });

  it.each([-3, 2, -10, 5])('refuses the code of step t%+d as a wrong code', async (offset) => {
    expect(await verifyCodeOfStep(offset)).toMatchObject({ verified: false, reason: 'wrong_code' });
  });

  it('a code read as it appears keeps working for 90 seconds, then is refused', async () => {
    const start = Date.UTC(2026, 10, 23, 12, 0, 0, 500);
    const readAt = async (customerId: string) => {
      h.clock.set(start);
      const read = await h.hotline.customers.dashboardCode(customerId);
      expect(read.expiresInSeconds).toBe(30);
      return read.code;
    };

    const onTime = await enterpriseCustomer(h.hotline);
    const code = await readAt(onTime.customerId);
    h.clock.advance(89_000); // 12:01:29.5: still step t+2 of the read
    expect(await h.hotline.verifyCaller(onTime.customerId, code, {})).toMatchObject({ verified: true });

    const late = await enterpriseCustomer(h.hotline);
    const lateCode = await readAt(late.customerId);
    h.clock.advance(90_000); // 12:01:30.5: step t+3
    expect(await h.hotline.verifyCaller(late.customerId, lateCode, {})).toMatchObject({ verified: false, reason: 'wrong_code' });
  });
});
