import { describe, expect, it } from 'vitest';
import type { StoreSubject } from '../subject.js';
import { addCallback, addCustomer, HOUR, newCallback, sid, T0, useStore } from './fixtures.js';

export function callbackRepositoryContract(subject: StoreSubject): void {
  describe('CallbackRepository', () => {
    const t = useStore(subject);

    it('records a promise as pending, with the dialer fields empty, and finds it by id and by call', async () => {
      const c = await addCustomer(t.store);
      const scheduled = await t.store.callbacks.schedule(newCallback(c, 1, { priority: 'P2', reason: 'p2', tier: 'premium', callerPhone: '+15550100003' }));
      expect(scheduled).toEqual({
        callbackId: expect.any(Number),
        reference: 'CB-1',
        customerId: c,
        callSid: sid(1),
        priority: 'P2',
        tier: 'premium',
        phone: '+15550100002',
        callerPhone: '+15550100003',
        language: 'en-US',
        reason: 'p2',
        recordingUrl: null,
        recordingDuration: null,
        createdAt: T0,
        dueAt: T0 + HOUR,
        status: 'pending',
        updatedAt: T0,
        attempts: 0,
        nextAttemptAt: null,
        lastError: null,
        connectedAt: null,
        breachedAt: null,
        unverified: null,
      });
      expect(await t.store.callbacks.get(scheduled.callbackId)).toEqual(scheduled);
      expect(await t.store.callbacks.byCallSid(sid(1))).toEqual(scheduled);
      expect(await t.store.callbacks.get(404)).toBeUndefined();
      expect(await t.store.callbacks.byCallSid(sid(404))).toBeUndefined();
    });

    it('ignores a second promise from the same call and answers with the first', async () => {
      const c = await addCustomer(t.store);
      const first = await addCallback(t.store, c, 1);
      const again = await t.store.callbacks.schedule(newCallback(c, 2, { callSid: sid(1) }));
      expect(again).toEqual(first);
      expect(await t.store.callbacks.referenceTaken('CB-2')).toBe(false);
      expect(await t.store.callbacks.list({ limit: 10 })).toHaveLength(1);
    });

    it('records promises made with no call, each on its own', async () => {
      const c = await addCustomer(t.store);
      const a = await addCallback(t.store, c, 1, { callSid: null });
      const b = await addCallback(t.store, c, 2, { callSid: null });
      expect(a.callbackId).not.toBe(b.callbackId);
      expect([a.reference, b.reference, a.callSid]).toEqual(['CB-1', 'CB-2', null]);
    });

    it('knows which references are taken', async () => {
      const c = await addCustomer(t.store);
      await addCallback(t.store, c, 1);
      expect(await t.store.callbacks.referenceTaken('CB-1')).toBe(true);
      expect(await t.store.callbacks.referenceTaken('CB-404')).toBe(false);
    });

    it('books an unverified caller one callback to the customer while it is open', async () => {
      const c = await addCustomer(t.store);
      const unverified = { reason: 'locked' as const, failures: 3 };
      const first = await t.store.callbacks.scheduleUnverified(newCallback(c, 1, { unverified }));
      expect(first).toMatchObject({ reference: 'CB-1', status: 'pending', unverified });
      expect(await t.store.callbacks.get(first!.callbackId)).toEqual(first);
      expect(await t.store.callbacks.scheduleUnverified(newCallback(c, 2, { unverified: { reason: 'number-limited', failures: 0 } }))).toBeUndefined();
      expect(await t.store.callbacks.referenceTaken('CB-2')).toBe(false);
      // Another customer's is booked; once the first is completed, so is a new one.
      const other = await addCustomer(t.store, 2);
      expect(await t.store.callbacks.scheduleUnverified(newCallback(other, 3, { unverified }))).toMatchObject({ reference: 'CB-3' });
      const agent = await t.store.agents.create({ name: 'Ann', phone: '+15550199000', languages: ['en-US'] }, T0);
      await t.store.desk.complete(first!.callbackId, agent.agentId, T0 + 1);
      expect(await t.store.callbacks.scheduleUnverified(newCallback(c, 4, { unverified }))).toMatchObject({ reference: 'CB-4', unverified });
    });

    it('lists callbacks earliest due first, of the statuses asked, up to the limit', async () => {
      const c = await addCustomer(t.store);
      const late = await addCallback(t.store, c, 1, { dueAt: T0 + 3 * HOUR });
      const early = await addCallback(t.store, c, 2, { dueAt: T0 + HOUR });
      const middle = await addCallback(t.store, c, 3, { dueAt: T0 + 2 * HOUR });
      const agent = await t.store.agents.create({ name: 'Ann', phone: '+15550199000', languages: ['en-US'] }, T0);
      await t.store.desk.complete(middle.callbackId, agent.agentId, T0 + 1);
      const refs = async (filter: Parameters<typeof t.store.callbacks.list>[0]) => (await t.store.callbacks.list(filter)).map((cb) => cb.reference);
      expect(await refs({ limit: 10 })).toEqual([early, middle, late].map((cb) => cb.reference));
      expect(await refs({ limit: 2 })).toEqual([early, middle].map((cb) => cb.reference));
      expect(await refs({ statuses: ['pending'], limit: 10 })).toEqual([early, late].map((cb) => cb.reference));
      expect(await refs({ statuses: ['completed', 'failed'], limit: 10 })).toEqual([middle.reference]);
    });

    it("changes the number to call for a call's callback", async () => {
      const c = await addCustomer(t.store);
      const cb = await addCallback(t.store, c, 1);
      expect(await t.store.callbacks.changePhone(sid(1), '+15550100777', T0 + 5)).toBe(true);
      expect(await t.store.callbacks.get(cb.callbackId)).toMatchObject({ phone: '+15550100777', updatedAt: T0 + 5 });
      expect(await t.store.callbacks.changePhone(sid(404), '+15550100777', T0 + 5)).toBe(false);
    });

    it("attaches the caller's recording to a call's callback", async () => {
      const c = await addCustomer(t.store);
      const cb = await addCallback(t.store, c, 1);
      expect(await t.store.callbacks.attachRecording(sid(1), 'https://api.twilio.com/recordings/RE1', 42, T0 + 5)).toBe(true);
      expect(await t.store.callbacks.get(cb.callbackId)).toMatchObject({ recordingUrl: 'https://api.twilio.com/recordings/RE1', recordingDuration: 42, updatedAt: T0 + 5 });
      expect(await t.store.callbacks.attachRecording(sid(404), 'https://api.twilio.com/recordings/RE2', 1, T0)).toBe(false);
    });
  });
}
