import { describe, expect, it } from 'vitest';
import type { StoreSubject } from '../subject.js';
import { addCallback, addCustomer, SECOND, T0, useStore, winners } from './fixtures.js';

export function escalationRepositoryContract(subject: StoreSubject): void {
  describe('EscalationRepository', () => {
    const t = useStore(subject);

    it('claims each (callback, channel, number) once, and records how it went', async () => {
      const customer = await addCustomer(t.store);
      const { callbackId } = await addCallback(t.store, customer, 1, { priority: 'P1' });
      expect(await t.store.escalations.claim(callbackId, 'sms', '+14155550101', T0)).toBe(true);
      expect(await t.store.escalations.claim(callbackId, 'sms', '+14155550101', T0 + SECOND)).toBe(false);
      expect(await t.store.escalations.claim(callbackId, 'call', '+14155550101', T0)).toBe(true);
      expect(await t.store.escalations.claim(callbackId, 'sms', '+14155550102', T0)).toBe(true);
      await t.store.escalations.settle(callbackId, 'sms', '+14155550101', 'sent', 'SM123', T0 + 2 * SECOND);
      await t.store.escalations.settle(callbackId, 'sms', '+14155550102', 'failed', 'HTTP 400: not a mobile number', T0 + 2 * SECOND);
      expect(await t.store.escalations.ofCallback(callbackId)).toEqual([
        { callbackId, channel: 'sms', to: '+14155550101', status: 'sent', detail: 'SM123', createdAt: T0, updatedAt: T0 + 2 * SECOND },
        { callbackId, channel: 'call', to: '+14155550101', status: 'sending', detail: null, createdAt: T0, updatedAt: T0 },
        { callbackId, channel: 'sms', to: '+14155550102', status: 'failed', detail: 'HTTP 400: not a mobile number', createdAt: T0, updatedAt: T0 + 2 * SECOND },
      ]);
    });

    it('keeps the escalations of each callback apart', async () => {
      const customer = await addCustomer(t.store);
      const first = await addCallback(t.store, customer, 1, { priority: 'P1' });
      const second = await addCallback(t.store, customer, 2, { priority: 'P1' });
      await t.store.escalations.claim(first.callbackId, 'sms', '+14155550101', T0);
      expect(await t.store.escalations.ofCallback(second.callbackId)).toEqual([]);
      expect(await t.store.escalations.claim(second.callbackId, 'sms', '+14155550101', T0)).toBe(true);
    });

    it('lets one instance only claim an escalation both try at once', async () => {
      const customer = await addCustomer(t.store);
      const { callbackId } = await addCallback(t.store, customer, 1, { priority: 'P1' });
      const other = await t.another();
      const answers = await Promise.all([
        t.store.escalations.claim(callbackId, 'sms', '+14155550101', T0),
        other.escalations.claim(callbackId, 'sms', '+14155550101', T0),
      ]);
      expect(winners(answers)).toBe(1);
    });
  });
}
