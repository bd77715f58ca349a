import { afterEach, beforeEach, expect, it } from 'vitest';
import { api, startHarness, type Harness } from '../support/harness.js';
import { UNKNOWN_ID, enterpriseCustomer, wrongCode } from './support/fixtures.js';
import { describeEngines } from '../support/postgres.js';

const MINUTE = 60_000;

describeEngines('failed attempts lock the customer ID', (engine) => {
  let h: Harness;
  let customerId: string;
  beforeEach(async () => {
    h = await startHarness({ engine });
    customerId = (await enterpriseCustomer(h.hotline)).customerId;
  });
  afterEach(async () => h.close());

  // Each attempt comes from another number: the lock is per customer ID, whoever calls.
  let calls = 0;
  const fail = async (id = customerId) =>
    h.hotline.verifyCaller(id, await wrongCode(h.hotline, customerId), { caller: `+1415555${String(1000 + (calls++ % 9000))}` });
  const rightCode = async () => h.hotline.verifyCaller(customerId, (await h.hotline.customers.dashboardCode(customerId)).code, {});
  const lockMinutes = async () => ((await h.hotline.store.verification.failureState(customerId)).lockedUntil! - h.clock.now()) / MINUTE;

  it('locks after 5 consecutive failures, and then refuses even the right code', async () => {
    for (let i = 1; i <= 4; i++) expect(await fail()).toEqual({ verified: false, reason: 'wrong_code', lockedNow: false });
    expect(await fail()).toEqual({ verified: false, reason: 'wrong_code', lockedNow: true });
    expect(await lockMinutes()).toBe(15);
    expect(await rightCode()).toMatchObject({ verified: false, reason: 'locked' });
  });

  it('the lock expires after 15 minutes, and the next one lasts 30', async () => {
    for (let i = 0; i < 5; i++) await fail();
    h.clock.advance(14 * MINUTE);
    // Attempts during a lock are refused without counting, so they cannot stretch the lock.
    for (let i = 0; i < 10; i++) expect(await fail()).toMatchObject({ reason: 'locked', lockedNow: false });
    h.clock.advance(MINUTE);

    for (let i = 0; i < 4; i++) expect(await fail()).toMatchObject({ reason: 'wrong_code', lockedNow: false });
    expect(await fail()).toMatchObject({ reason: 'wrong_code', lockedNow: true });
    expect(await lockMinutes()).toBe(30);
    h.clock.advance(29 * MINUTE);
    expect(await rightCode()).toMatchObject({ verified: false, reason: 'locked' });
    h.clock.advance(MINUTE);
    expect(await rightCode()).toMatchObject({ verified: true });
  });

  it('success resets the count: 4 failures, a success, 4 failures do not lock', async () => {
    for (let i = 0; i < 4; i++) await fail();
    expect(await rightCode()).toMatchObject({ verified: true });
    h.clock.advance(30_000); // the next code: the last one is spent
    for (let i = 0; i < 4; i++) expect(await fail()).toMatchObject({ lockedNow: false });
    expect(await rightCode()).toMatchObject({ verified: true });
  });

  it('success also forgets earlier locks: the next lock is 15 minutes again', async () => {
    for (let i = 0; i < 5; i++) await fail();
    h.clock.advance(15 * MINUTE);
    expect(await rightCode()).toMatchObject({ verified: true });
    for (let i = 0; i < 5; i++) await fail();
    expect(await lockMinutes()).toBe(15);
  });

  it('each lock doubles up to 24 hours; the 100th failure locks until an operator unlocks', async () => {
    const durations: number[] = [];
    for (let failures = 1; failures < 100; failures++) {
      const verdict = await fail();
      expect(verdict).toMatchObject({ reason: 'wrong_code' });
      if (verdict.verified === false && verdict.lockedNow) {
        durations.push(await lockMinutes());
        h.clock.advance(24 * 60 * MINUTE);
      }
    }
    expect(durations).toEqual([15, 30, 60, 120, 240, 480, 960, ...Array(12).fill(1440)]);

    expect(await fail()).toMatchObject({ reason: 'wrong_code', lockedNow: true });
    h.clock.advance(30 * 24 * 60 * MINUTE);
    expect(await rightCode()).toMatchObject({ verified: false, reason: 'locked' });

    const unlocked = await api(h, 'POST', `/api/customers/${customerId}/unlock`);
    expect(unlocked).toEqual({ status: 200, body: { unlocked: true } });
    // The right code typed while locked was spent all the same: the next one verifies.
    expect(await rightCode()).toMatchObject({ verified: false, reason: 'reused_code' });
    h.clock.advance(30_000);
    expect(await rightCode()).toMatchObject({ verified: true });
    expect((await api(h, 'POST', `/api/customers/${customerId}/unlock`)).body).toEqual({ unlocked: false });
  });

  it('counts failures for an ID no customer has, exactly like a real one', async () => {
    for (let i = 0; i < 4; i++) expect(await fail(UNKNOWN_ID)).toEqual({ verified: false, reason: 'unknown_customer', lockedNow: false });
    expect(await fail(UNKNOWN_ID)).toEqual({ verified: false, reason: 'unknown_customer', lockedNow: true });
    // Held for a person, with no account to call back: no customer has the ID.
    expect(await fail(UNKNOWN_ID)).toEqual({ verified: false, reason: 'locked', lockedNow: false, held: { failures: 5, account: null } });
    // One ID's lock does not touch another's.
    expect(await rightCode()).toMatchObject({ verified: true });
  });
});
