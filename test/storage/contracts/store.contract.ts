import { describe, expect, it } from 'vitest';
import type { StoreSubject } from '../subject.js';
import { addCustomer, customerId, newCallback, newCustomer, sealed, T0, useStore } from './fixtures.js';

/** The store itself: a write is committed once its promise resolves, and units of work are atomic. */
export function storeContract(subject: StoreSubject): void {
  describe('Store', () => {
    const t = useStore(subject);

    it('is ready while open', async () => {
      expect(await t.store.readiness()).toEqual({ ok: true });
    });

    it('a write is seen by another instance as soon as its promise resolves, both ways', async () => {
      const other = await t.another();
      await t.store.numbers.setLanguage('+15550100100', 'ja-JP', T0);
      expect(await other.numbers.languageOf('+15550100100')).toBe('ja-JP');
      await other.numbers.setLanguage('+15550100100', 'en-US', T0 + 1);
      expect(await t.store.numbers.languageOf('+15550100100')).toBe('en-US');
    });

    it('a unit of work commits its writes to several repositories together and resolves with its result', async () => {
      const other = await t.another();
      const existing = await addCustomer(t.store, 1);
      const created = customerId(2);
      const result = await t.store.unitOfWork(async (tx) => {
        await tx.customers.create(newCustomer(created), sealed(2));
        const callback = await tx.callbacks.schedule(newCallback(existing, 1));
        await tx.numbers.setLanguage('+15550100100', 'ja-JP', T0);
        return callback.reference;
      });
      expect(result).toBe('CB-1');
      expect(await other.customers.get(created)).toMatchObject({ customerId: created });
      expect(await other.callbacks.referenceTaken('CB-1')).toBe(true);
      expect(await other.numbers.languageOf('+15550100100')).toBe('ja-JP');
    });

    it('a unit of work reads its own writes before it commits', async () => {
      const created = customerId(3);
      const seen = await t.store.unitOfWork(async (tx) => {
        await tx.customers.create(newCustomer(created, { name: 'Read back' }), sealed(3));
        await tx.customers.update(created, { status: 'suspended' }, T0 + 1);
        return tx.customers.get(created);
      });
      expect(seen).toMatchObject({ name: 'Read back', status: 'suspended', updatedAt: T0 + 1 });
    });

    it('a unit of work that throws after a write leaves nothing, and rejects with its error', async () => {
      const other = await t.another();
      const failure = new Error('the step failed after its writes');
      for (const [store, n] of [[t.store, 4], [other, 5]] as const) {
        const id = customerId(n);
        await expect(
          store.unitOfWork(async (tx) => {
            await tx.customers.create(newCustomer(id), sealed(n));
            await tx.numbers.setLanguage('+15550100100', 'ja-JP', T0);
            throw failure;
          }),
        ).rejects.toThrow(failure.message);
        expect(await t.store.customers.get(id)).toBeUndefined();
        expect(await other.customers.get(id)).toBeUndefined();
        expect(await t.store.numbers.list()).toEqual([]);
      }
    });

    it('a unit of work that throws undoes only its own writes, not those of one running at the same time', async () => {
      const kept = customerId(6);
      const undone = customerId(7);
      const [first, second, third] = await Promise.allSettled([
        t.store.unitOfWork(async (tx) => {
          await tx.customers.create(newCustomer(undone), sealed(7));
          throw new Error('undone');
        }),
        t.store.unitOfWork(async (tx) => tx.customers.create(newCustomer(kept), sealed(6))),
        t.store.numbers.setLanguage('+15550100100', 'ja-JP', T0),
      ]);
      expect([first.status, second.status, third.status]).toEqual(['rejected', 'fulfilled', 'fulfilled']);
      expect(await t.store.customers.get(undone)).toBeUndefined();
      expect(await t.store.customers.get(kept)).toBeDefined();
      expect(await t.store.numbers.languageOf('+15550100100')).toBe('ja-JP');
    });

    it('another instance does not see the writes of a unit of work before it commits', async () => {
      const other = await t.another();
      let seenMeanwhile: unknown = 'not read';
      await t.store.unitOfWork(async (tx) => {
        await tx.numbers.setLanguage('+15550100100', 'ja-JP', T0);
        // The service never awaits anything but `tx` in a unit; a read by another instance is how a test looks in.
        seenMeanwhile = await other.numbers.languageOf('+15550100100');
      });
      expect(seenMeanwhile).toBeUndefined();
      expect(await other.numbers.languageOf('+15550100100')).toBe('ja-JP');
    });

    it('units of work of two instances at the same time both land', async () => {
      // Two other instances, so that neither unit is this test's own: each is driven call by call from here.
      const [a, b] = [await t.another(), await t.another()];
      const shared = await addCustomer(t.store, 1);
      await Promise.all(
        [a, b].map((store, i) =>
          store.unitOfWork(async (tx) => {
            await tx.customers.create(newCustomer(customerId(10 + i)), sealed(10 + i));
            await tx.callbacks.schedule(newCallback(shared, 10 + i));
          }),
        ),
      );
      for (const i of [0, 1]) {
        expect(await t.store.customers.get(customerId(10 + i))).toBeDefined();
        expect(await t.store.callbacks.referenceTaken(`CB-${10 + i}`)).toBe(true);
      }
    });
  });
}
