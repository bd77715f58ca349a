import { describe, expect, it } from 'vitest';
import type { NewApiKey } from '../../../src/domain/storage/apiKeys.js';
import type { StoreSubject } from '../subject.js';
import { MINUTE, T0, useStore, winners } from './fixtures.js';

const hashOf = (n: number) => Buffer.alloc(32, n);
const newKey = (n: number, overrides: Partial<NewApiKey> = {}): NewApiKey => ({
  name: `key ${n}`,
  scope: 'dashboard',
  keyHash: hashOf(n),
  hint: `hl_live_k${n}`,
  createdAt: T0,
  ...overrides,
});

export function apiKeyRepositoryContract(subject: StoreSubject): void {
  describe('ApiKeyRepository', () => {
    const t = useStore(subject);

    it('stores a key and finds it by its hash, never showing the hash in a list', async () => {
      const created = await t.store.apiKeys.create(newKey(1, { scope: 'read', name: 'Reports' }));
      expect(created).toEqual({ id: expect.any(Number), name: 'Reports', scope: 'read', hint: 'hl_live_k1', createdAt: T0, lastUsedAt: null, revokedAt: null });
      expect(await t.store.apiKeys.get(created.id)).toEqual(created);
      expect(await t.store.apiKeys.findByHash(hashOf(1))).toEqual({ ...created, keyHash: hashOf(1) });
      expect(await t.store.apiKeys.findByHash(hashOf(2))).toBeUndefined();
      expect(await t.store.apiKeys.list()).toEqual([created]);
      expect(await t.store.apiKeys.get(created.id + 1000)).toBeUndefined();
    });

    it('lists keys oldest first, revoked ones included', async () => {
      const a = await t.store.apiKeys.create(newKey(1));
      const b = await t.store.apiKeys.create(newKey(2, { scope: 'admin', createdAt: T0 + 1 }));
      await t.store.apiKeys.revoke(a.id, T0 + MINUTE);
      expect((await t.store.apiKeys.list()).map((k) => [k.id, k.revokedAt])).toEqual([
        [a.id, T0 + MINUTE],
        [b.id, null],
      ]);
    });

    it('refuses a second key with the same hash', async () => {
      await t.store.apiKeys.create(newKey(1));
      await expect(t.store.apiKeys.create(newKey(1, { name: 'again' }))).rejects.toThrow();
      expect(await t.store.apiKeys.list()).toHaveLength(1);
    });

    it('revokes a key once: revoking again keeps the first time; an unknown key is undefined', async () => {
      const key = await t.store.apiKeys.create(newKey(1));
      expect(await t.store.apiKeys.revoke(key.id, T0 + MINUTE)).toMatchObject({ id: key.id, revokedAt: T0 + MINUTE });
      expect(await t.store.apiKeys.revoke(key.id, T0 + 2 * MINUTE)).toMatchObject({ revokedAt: T0 + MINUTE });
      expect(await t.store.apiKeys.findByHash(hashOf(1))).toMatchObject({ revokedAt: T0 + MINUTE });
      expect(await t.store.apiKeys.revoke(key.id + 1000, T0)).toBeUndefined();
    });

    it('audits each use and marks the key used; a later use already recorded is kept', async () => {
      const key = await t.store.apiKeys.create(newKey(1));
      const other = await t.store.apiKeys.create(newKey(2));
      await t.store.apiKeys.recordUse({ keyId: key.id, at: T0 + 2 * MINUTE, method: 'GET', path: '/api/customers/1/one-time-token', outcome: 'allowed' });
      await t.store.apiKeys.recordUse({ keyId: key.id, at: T0 + MINUTE, method: 'POST', path: '/api/agents', outcome: 'forbidden' });
      await t.store.apiKeys.recordUse({ keyId: other.id, at: T0 + 3 * MINUTE, method: 'GET', path: '/api/numbers', outcome: 'allowed' });
      expect(await t.store.apiKeys.get(key.id)).toMatchObject({ lastUsedAt: T0 + 2 * MINUTE });
      expect(await t.store.apiKeys.uses({ keyId: key.id, limit: 10 })).toEqual([
        { useId: expect.any(Number), keyId: key.id, at: T0 + MINUTE, method: 'POST', path: '/api/agents', outcome: 'forbidden' },
        { useId: expect.any(Number), keyId: key.id, at: T0 + 2 * MINUTE, method: 'GET', path: '/api/customers/1/one-time-token', outcome: 'allowed' },
      ]);
      const all = await t.store.apiKeys.uses({ limit: 2 });
      expect(all.map((u) => u.keyId)).toEqual([other.id, key.id]);
    });

    it('audits a revoked key presented again without marking it used', async () => {
      const key = await t.store.apiKeys.create(newKey(1));
      await t.store.apiKeys.revoke(key.id, T0);
      await t.store.apiKeys.recordUse({ keyId: key.id, at: T0 + MINUTE, method: 'GET', path: '/api/customers', outcome: 'revoked' });
      expect(await t.store.apiKeys.get(key.id)).toMatchObject({ lastUsedAt: null });
      expect(await t.store.apiKeys.uses({ keyId: key.id, limit: 10 })).toMatchObject([{ outcome: 'revoked' }]);
    });

    it('rolls back a key created in a unit of work that fails', async () => {
      await expect(
        t.store.unitOfWork(async (tx) => {
          await tx.apiKeys.create(newKey(1));
          throw new Error('undone');
        }),
      ).rejects.toThrow('undone');
      expect(await t.store.apiKeys.findByHash(hashOf(1))).toBeUndefined();
    });

    it('two instances revoking the same key at once agree on one revocation time', async () => {
      const other = await t.another();
      const key = await t.store.apiKeys.create(newKey(1));
      const [a, b] = await Promise.all([t.store.apiKeys.revoke(key.id, T0 + MINUTE), other.apiKeys.revoke(key.id, T0 + 2 * MINUTE)]);
      expect(winners([a, b])).toBe(2);
      expect(a!.revokedAt).toBe(b!.revokedAt);
    });
  });
}
