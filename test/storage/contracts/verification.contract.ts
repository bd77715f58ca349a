import { describe, expect, it } from 'vitest';
import type { Store } from '../../../src/domain/storage/index.js';
import type { AuditEntry, FailureState } from '../../../src/domain/storage/verification.js';
import type { StoreSubject } from '../subject.js';
import { addCustomer, auditEntry, customerId, MINUTE, sealed, sid, T0, useStore, winners } from './fixtures.js';

const CLEAR: FailureState = { consecutiveFailures: 0, locks: 0, lockedUntil: null, lockedForReview: false };

/** A lock policy for the tests: the second failure in a row locks the ID for 15 minutes, for review. */
const countAndLockAtTwo = (prev: FailureState): FailureState => {
  const consecutiveFailures = prev.consecutiveFailures + 1;
  return consecutiveFailures >= 2
    ? { consecutiveFailures, locks: prev.locks + 1, lockedUntil: T0 + 15 * MINUTE, lockedForReview: true }
    : { ...prev, consecutiveFailures };
};

const refused = (customer: string, reason: string, overrides: Parameters<typeof auditEntry>[1] = {}) =>
  auditEntry(customer, { result: 'refused', reason, factor: null, ...overrides });

/** Counts a failure as the service does: in one unit of work, the state read for update, the next one saved with its audit. */
function countFailure(store: Store, customer: string, audit: AuditEntry, policy: (prev: FailureState) => FailureState): Promise<FailureState> {
  return store.unitOfWork(async (tx) => {
    const next = policy(await tx.verification.failureStateForUpdate(customer));
    await tx.verification.saveFailureState(customer, next, audit);
    return next;
  });
}

export function verificationRepositoryContract(subject: StoreSubject): void {
  describe('VerificationRepository', () => {
    const t = useStore(subject);

    it('knows no failures of an ID it never saw', async () => {
      expect(await t.store.verification.failureState(customerId(404))).toEqual(CLEAR);
    });

    it('spends a time step once: the same or an earlier step is refused, a later one accepted', async () => {
      const c = await addCustomer(t.store);
      const v = t.store.verification;
      expect(await v.consumeStep(c, 'dashboard', 100, auditEntry(c))).toBe(true);
      expect(await v.consumeStep(c, 'dashboard', 100, auditEntry(c))).toBe(false);
      expect(await v.consumeStep(c, 'dashboard', 99, auditEntry(c))).toBe(false);
      expect(await v.consumeStep(c, 'dashboard', 101, auditEntry(c))).toBe(true);
    });

    it('audits an accepted step, and nothing for a step already spent', async () => {
      const c = await addCustomer(t.store);
      await t.store.verification.consumeStep(c, 'dashboard', 100, auditEntry(c, { callSid: sid(1) }));
      await t.store.verification.consumeStep(c, 'dashboard', 100, auditEntry(c, { callSid: sid(2) }));
      const audit = await t.store.verification.audit({ customerId: c, limit: 10 });
      expect(audit).toEqual([{ id: expect.any(Number), ...auditEntry(c, { callSid: sid(1) }) }]);
    });

    it("clears the ID's failures when a step is accepted", async () => {
      const c = await addCustomer(t.store);
      await countFailure(t.store, c, refused(c, 'wrong_code'), countAndLockAtTwo);
      expect(await t.store.verification.consumeStep(c, 'dashboard', 100, auditEntry(c))).toBe(true);
      expect(await t.store.verification.failureState(c)).toEqual(CLEAR);
    });

    it("spends each factor's steps on its own", async () => {
      const c = await addCustomer(t.store);
      await t.store.customers.putPendingAuthenticator(c, sealed(7), T0);
      // Confirming the authenticator spends its step 100.
      await t.store.customers.confirmAuthenticator(c, sealed(7).nonce, sealed(8), 100, T0);
      const v = t.store.verification;
      expect(await v.consumeStep(c, 'authenticator', 100, auditEntry(c, { factor: 'authenticator' }))).toBe(false);
      expect(await v.consumeStep(c, 'dashboard', 100, auditEntry(c))).toBe(true);
      expect(await v.consumeStep(c, 'authenticator', 101, auditEntry(c, { factor: 'authenticator' }))).toBe(true);
      expect(await v.consumeStep(c, 'dashboard', 101, auditEntry(c))).toBe(true);
    });

    it('spends a refused step so it cannot be replayed, audits the refusal and leaves the failures as they are', async () => {
      const c = await addCustomer(t.store);
      const v = t.store.verification;
      const failed = await countFailure(t.store, c, refused(c, 'wrong_code'), countAndLockAtTwo);
      await v.spendRefusedStep(c, 'dashboard', 100, refused(c, 'locked', { callSid: sid(3) }));
      expect(await v.failureState(c)).toEqual(failed);
      expect((await v.audit({ customerId: c, limit: 1 }))[0]).toMatchObject({ result: 'refused', reason: 'locked', callSid: sid(3) });
      expect(await v.consumeStep(c, 'dashboard', 100, auditEntry(c))).toBe(false);
      expect(await v.consumeStep(c, 'dashboard', 101, auditEntry(c))).toBe(true);
    });

    it('reads the failure state for update as it is, and saves what the lock policy returns with its audit', async () => {
      const c = await addCustomer(t.store);
      const v = t.store.verification;
      const seen: FailureState[] = [];
      const policy = (prev: FailureState) => (seen.push(prev), countAndLockAtTwo(prev));
      const first = await countFailure(t.store, c, refused(c, 'wrong_code', { at: T0 }), policy);
      const second = await countFailure(t.store, c, refused(c, 'wrong_code', { at: T0 + 1 }), policy);
      expect(first).toEqual({ ...CLEAR, consecutiveFailures: 1 });
      expect(second).toEqual({ consecutiveFailures: 2, locks: 1, lockedUntil: T0 + 15 * MINUTE, lockedForReview: true });
      expect(seen).toEqual([CLEAR, first]);
      expect(await v.failureState(c)).toEqual(second);
      expect((await v.audit({ customerId: c, limit: 10 })).map((a) => a.at)).toEqual([T0 + 1, T0]);
    });

    it('failures counted at the same time are all counted', async () => {
      const c = await addCustomer(t.store);
      const count = (prev: FailureState) => ({ ...prev, consecutiveFailures: prev.consecutiveFailures + 1 });
      await Promise.all([1, 2, 3, 4, 5].map(() => countFailure(t.store, c, refused(c, 'wrong_code'), count)));
      expect((await t.store.verification.failureState(c)).consecutiveFailures).toBe(5);
    });

    it('failures counted at the same time on two instances are all counted', async () => {
      const other = await t.another();
      const c = await addCustomer(t.store);
      const count = (prev: FailureState) => ({ ...prev, consecutiveFailures: prev.consecutiveFailures + 1 });
      await Promise.all([t.store, t.store, other, other].map((store) => countFailure(store, c, refused(c, 'wrong_code'), count)));
      expect((await t.store.verification.failureState(c)).consecutiveFailures).toBe(4);
      expect(await t.store.verification.audit({ customerId: c, limit: 10 })).toHaveLength(4);
    });

    it('audits a refusal without counting it', async () => {
      const c = await addCustomer(t.store);
      await t.store.verification.recordRefusal(refused(c, 'locked'));
      expect(await t.store.verification.failureState(c)).toEqual(CLEAR);
      expect(await t.store.verification.audit({ customerId: c, limit: 10 })).toMatchObject([{ result: 'refused', reason: 'locked' }]);
    });

    it('unlocks an ID, clearing its failures and lock; false when it had none', async () => {
      const c = await addCustomer(t.store);
      const v = t.store.verification;
      expect(await v.unlock(c)).toBe(false);
      await countFailure(t.store, c, refused(c, 'wrong_code'), countAndLockAtTwo);
      await countFailure(t.store, c, refused(c, 'wrong_code'), countAndLockAtTwo);
      expect(await v.unlock(c)).toBe(true);
      expect(await v.failureState(c)).toEqual(CLEAR);
      expect(await v.unlock(c)).toBe(false);
    });

    it('lists the audit newest first, for one ID or one call, up to the limit', async () => {
      const [a, b] = [customerId(1), customerId(2)];
      const v = t.store.verification;
      await v.recordRefusal(refused(a, 'wrong_code', { at: T0, callSid: sid(1), caller: null }));
      await v.recordRefusal(refused(b, 'wrong_code', { at: T0 + 1, callSid: sid(1) }));
      await v.recordRefusal(refused(a, 'locked', { at: T0 + 2, callSid: sid(2) }));
      const all = await v.audit({ limit: 10 });
      expect(all.map((e) => [e.customerId, e.at])).toEqual([[a, T0 + 2], [b, T0 + 1], [a, T0]]);
      expect(all[2]).toEqual({ id: expect.any(Number), ...refused(a, 'wrong_code', { at: T0, callSid: sid(1), caller: null }) });
      expect((await v.audit({ customerId: a, limit: 10 })).map((e) => e.at)).toEqual([T0 + 2, T0]);
      expect((await v.audit({ callSid: sid(1), limit: 10 })).map((e) => e.at)).toEqual([T0 + 1, T0]);
      expect((await v.audit({ customerId: a, callSid: sid(1), limit: 10 })).map((e) => e.at)).toEqual([T0]);
      expect((await v.audit({ limit: 2 })).map((e) => e.at)).toEqual([T0 + 2, T0 + 1]);
    });

    it('counts refusals from a calling number since a moment, of any reason or of the reasons given', async () => {
      const c = await addCustomer(t.store);
      const v = t.store.verification;
      const caller = '+15550100003';
      await v.recordRefusal(refused(c, 'wrong_code', { caller, at: T0 - 10 * MINUTE }));
      await v.recordRefusal(refused(c, 'wrong_code', { caller, at: T0 - 2 * MINUTE }));
      await v.recordRefusal(refused(customerId(2), 'locked', { caller, at: T0 }));
      await v.recordRefusal(refused(c, 'wrong_code', { caller: '+15550100999', at: T0 }));
      await v.consumeStep(c, 'dashboard', 100, auditEntry(c, { caller, at: T0 }));
      expect(await v.refusalsFromCaller(caller, T0 - 5 * MINUTE)).toBe(2);
      expect(await v.refusalsFromCaller(caller, T0 - 5 * MINUTE, ['locked'])).toBe(1);
      expect(await v.refusalsFromCaller(caller, T0 - 15 * MINUTE, ['wrong_code', 'locked'])).toBe(3);
      expect(await v.refusalsFromCaller('+15550100404', T0 - 15 * MINUTE)).toBe(0);
    });

    it('counts refusals for one ID, and across the line, since a moment and for the reasons given', async () => {
      const [a, b] = [customerId(1), customerId(2)];
      const v = t.store.verification;
      await v.recordRefusal(refused(a, 'wrong_code', { at: T0 - 10 * MINUTE }));
      await v.recordRefusal(refused(a, 'wrong_code', { at: T0 - MINUTE }));
      await v.recordRefusal(refused(a, 'locked', { at: T0 }));
      await v.recordRefusal(refused(b, 'wrong_code', { at: T0 }));
      expect(await v.refusalsForCustomer(a, T0 - 5 * MINUTE, ['wrong_code'])).toBe(1);
      expect(await v.refusalsForCustomer(a, T0 - 15 * MINUTE, ['wrong_code', 'locked'])).toBe(3);
      expect(await v.refusalsForCustomer(b, T0 - 5 * MINUTE, ['locked'])).toBe(0);
      expect(await v.refusalsSince(T0 - 5 * MINUTE, ['wrong_code'])).toBe(2);
      expect(await v.refusalsSince(T0 - 15 * MINUTE, ['wrong_code', 'locked'])).toBe(4);
    });

    it('of two instances spending the same step at the same time, exactly one wins', async () => {
      const other = await t.another();
      const ids = await Promise.all([1, 2, 3, 4, 5, 6].map((n) => addCustomer(t.store, n)));
      const answers = await Promise.all(
        ids.map((c) => Promise.all([t.store, other].map((s) => s.verification.consumeStep(c, 'dashboard', 100, auditEntry(c))))),
      );
      expect(answers.map(winners)).toEqual(ids.map(() => 1));
      for (const c of ids) expect(await t.store.verification.audit({ customerId: c, limit: 10 })).toHaveLength(1);
    });

    it('of two calls of one instance spending the same step at the same time, exactly one wins', async () => {
      const c = await addCustomer(t.store);
      const answers = await Promise.all([1, 2, 3].map(() => t.store.verification.consumeStep(c, 'dashboard', 100, auditEntry(c))));
      expect(winners(answers)).toBe(1);
    });
  });
}
