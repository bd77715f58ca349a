import { describe, expect, it } from 'vitest';
import type { Sealed } from '../../../src/crypto/secretBox.js';
import type { StoredSecret } from '../../../src/domain/storage/customers.js';
import type { Store } from '../../../src/domain/storage/index.js';
import type { StoreSubject } from '../subject.js';
import { addCustomer, customerId, newCustomer, sealed, T0, useStore } from './fixtures.js';

/** Re-seals every secret as key rotation does: one unit of work, the secrets read for update, each replaced. */
function resealAll(store: Store, reseal: (secret: StoredSecret) => Sealed): Promise<number> {
  return store.unitOfWork(async (tx) => {
    const secrets = await tx.customers.allSecretsForUpdate();
    for (const secret of secrets) await tx.customers.replaceSealed(secret.customerId, secret.kind, reseal(secret));
    return secrets.length;
  });
}

export function customerRepositoryContract(subject: StoreSubject): void {
  describe('CustomerRepository', () => {
    const t = useStore(subject);

    it('creates a customer, active, with its dashboard secret', async () => {
      const id = customerId(1);
      expect(await t.store.customers.create(newCustomer(id, { name: 'Acme', tier: 'premium', phone: '+15550100001' }), sealed(1))).toBe(true);
      expect(await t.store.customers.get(id)).toEqual({
        customerId: id,
        name: 'Acme',
        plan: 'enterprise',
        tier: 'premium',
        status: 'active',
        phone: '+15550100001',
        createdAt: T0,
        updatedAt: T0,
      });
      expect(await t.store.customers.secrets(id, ['dashboard'])).toEqual([{ customerId: id, kind: 'dashboard', sealed: sealed(1), lastStep: null }]);
    });

    it('refuses an ID that is taken, keeping the first customer and secret', async () => {
      const id = await addCustomer(t.store, 1, { name: 'First' });
      expect(await t.store.customers.create(newCustomer(id, { name: 'Second' }), sealed(2))).toBe(false);
      expect(await t.store.customers.get(id)).toMatchObject({ name: 'First' });
      expect(await t.store.customers.secrets(id, ['dashboard'])).toMatchObject([{ sealed: sealed(1) }]);
    });

    it('finds no customer for an unknown ID', async () => {
      expect(await t.store.customers.get(customerId(404))).toBeUndefined();
      expect(await t.store.customers.update(customerId(404), { name: 'Nobody' }, T0)).toBeUndefined();
    });

    it('lists customers by ID, after a given ID, up to the limit', async () => {
      for (const n of [3, 1, 4, 2]) await addCustomer(t.store, n);
      const ids = async (options: { limit: number; after?: string }) => (await t.store.customers.list(options)).map((c) => c.customerId);
      expect(await ids({ limit: 10 })).toEqual([1, 2, 3, 4].map(customerId));
      expect(await ids({ limit: 2 })).toEqual([1, 2].map(customerId));
      expect(await ids({ limit: 10, after: customerId(2) })).toEqual([3, 4].map(customerId));
      expect(await ids({ limit: 10, after: customerId(4) })).toEqual([]);
    });

    it('updates the fields a patch names, leaves the others and notes when', async () => {
      const id = await addCustomer(t.store, 1, { name: 'Acme', phone: '+15550100001' });
      const updated = await t.store.customers.update(id, { name: 'Acme Corp', status: 'suspended' }, T0 + 5);
      expect(updated).toMatchObject({ name: 'Acme Corp', status: 'suspended', plan: 'enterprise', tier: 'standard', phone: '+15550100001', updatedAt: T0 + 5 });
      expect(await t.store.customers.get(id)).toEqual(updated);
      expect(await t.store.customers.update(id, { plan: 'pro', tier: null, phone: null }, T0 + 6)).toMatchObject({ plan: 'pro', tier: null, phone: null });
    });

    it('returns only the secrets of the kinds asked for', async () => {
      const id = await addCustomer(t.store, 1);
      await t.store.customers.putPendingAuthenticator(id, sealed(7), T0);
      expect((await t.store.customers.secrets(id, ['dashboard', 'authenticator-pending'])).map((s) => s.kind).sort()).toEqual(['authenticator-pending', 'dashboard']);
      expect(await t.store.customers.secrets(id, ['authenticator'])).toEqual([]);
      expect(await t.store.customers.secrets(customerId(404), ['dashboard'])).toEqual([]);
    });

    it('keeps the latest pending authenticator', async () => {
      const id = await addCustomer(t.store, 1);
      await t.store.customers.putPendingAuthenticator(id, sealed(7), T0);
      await t.store.customers.putPendingAuthenticator(id, sealed(8), T0 + 1);
      expect(await t.store.customers.secrets(id, ['authenticator-pending'])).toEqual([{ customerId: id, kind: 'authenticator-pending', sealed: sealed(8), lastStep: null }]);
    });

    it('confirms the pending authenticator as it was read: the pending one goes, the confirmed one has its step spent', async () => {
      const id = await addCustomer(t.store, 1);
      await t.store.customers.putPendingAuthenticator(id, sealed(7), T0);
      expect(await t.store.customers.confirmAuthenticator(id, sealed(7).nonce, sealed(9), 1234, T0 + 1)).toBe(true);
      expect(await t.store.customers.secrets(id, ['authenticator', 'authenticator-pending'])).toEqual([{ customerId: id, kind: 'authenticator', sealed: sealed(9), lastStep: 1234 }]);
    });

    it('does not confirm a pending authenticator that changed since it was read', async () => {
      const id = await addCustomer(t.store, 1);
      await t.store.customers.putPendingAuthenticator(id, sealed(7), T0);
      await t.store.customers.putPendingAuthenticator(id, sealed(8), T0 + 1);
      expect(await t.store.customers.confirmAuthenticator(id, sealed(7).nonce, sealed(9), 1234, T0 + 2)).toBe(false);
      expect(await t.store.customers.secrets(id, ['authenticator', 'authenticator-pending'])).toMatchObject([{ kind: 'authenticator-pending', sealed: sealed(8) }]);
    });

    it('removes the confirmed and the pending authenticator; false when there was none', async () => {
      const id = await addCustomer(t.store, 1);
      expect(await t.store.customers.removeAuthenticator(id)).toBe(false);
      await t.store.customers.putPendingAuthenticator(id, sealed(7), T0);
      await t.store.customers.confirmAuthenticator(id, sealed(7).nonce, sealed(9), 1234, T0);
      await t.store.customers.putPendingAuthenticator(id, sealed(10), T0);
      expect(await t.store.customers.removeAuthenticator(id)).toBe(true);
      expect((await t.store.customers.secrets(id, ['dashboard', 'authenticator', 'authenticator-pending'])).map((s) => s.kind)).toEqual(['dashboard']);
      expect(await t.store.customers.removeAuthenticator(id)).toBe(false);
    });

    it('re-seals every stored secret, keeping each step, and tells how many', async () => {
      const [a, b] = [await addCustomer(t.store, 1), await addCustomer(t.store, 2)];
      await t.store.customers.putPendingAuthenticator(a, sealed(7), T0);
      await t.store.customers.confirmAuthenticator(a, sealed(7).nonce, sealed(9), 1234, T0);
      expect((await t.store.customers.sealingKeyIds()).sort()).toEqual(['key-1']);
      const resealed: string[] = [];
      const count = await resealAll(t.store, (secret) => {
        resealed.push(`${secret.customerId}/${secret.kind}`);
        return sealed(secret.sealed.ciphertext[0]! + 100, 'key-2');
      });
      expect(count).toBe(3);
      expect(resealed.sort()).toEqual([`${a}/authenticator`, `${a}/dashboard`, `${b}/dashboard`]);
      expect(await t.store.customers.sealingKeyIds()).toEqual(['key-2']);
      expect(await t.store.customers.secrets(a, ['authenticator'])).toEqual([{ customerId: a, kind: 'authenticator', sealed: sealed(109, 'key-2'), lastStep: 1234 }]);
      expect(await t.store.customers.secrets(b, ['dashboard'])).toMatchObject([{ sealed: sealed(102, 'key-2') }]);
    });

    it('re-seals nothing when a re-seal fails part way', async () => {
      await addCustomer(t.store, 1);
      await addCustomer(t.store, 2);
      let calls = 0;
      await expect(
        resealAll(t.store, (secret) => {
          if (++calls === 2) throw new Error('the old key does not open this secret');
          return sealed(secret.sealed.ciphertext[0]! + 100, 'key-2');
        }),
      ).rejects.toThrow('the old key does not open this secret');
      expect(await t.store.customers.sealingKeyIds()).toEqual(['key-1']);
    });

    it('replaces the sealed bytes of a secret that exists only', async () => {
      const a = await addCustomer(t.store, 1);
      expect(await t.store.customers.replaceSealed(a, 'authenticator', sealed(5, 'key-2'))).toBe(false);
      expect(await t.store.customers.secrets(a, ['authenticator'])).toEqual([]);
      expect(await t.store.customers.replaceSealed(a, 'dashboard', sealed(5, 'key-2'))).toBe(true);
      expect(await t.store.customers.secrets(a, ['dashboard'])).toMatchObject([{ sealed: sealed(5, 'key-2') }]);
    });

    it('lists the key ids in use, each once', async () => {
      await t.store.customers.create(newCustomer(customerId(1)), sealed(1, 'key-a'));
      await t.store.customers.create(newCustomer(customerId(2)), sealed(2, 'key-b'));
      await t.store.customers.create(newCustomer(customerId(3)), sealed(3, 'key-a'));
      expect((await t.store.customers.sealingKeyIds()).sort()).toEqual(['key-a', 'key-b']);
    });

    it('lists every distinct phone on file', async () => {
      await addCustomer(t.store, 1, { phone: '+15550100001' });
      await addCustomer(t.store, 2, { phone: '+15550100001' });
      await addCustomer(t.store, 3, { phone: '+815012345678' });
      await addCustomer(t.store, 4, { phone: null });
      expect((await t.store.customers.phonesOnFile()).sort()).toEqual(['+15550100001', '+815012345678']);
    });
  });
}
