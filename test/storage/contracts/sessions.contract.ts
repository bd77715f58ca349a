import { describe, expect, it } from 'vitest';
import type { ConsoleSession } from '../../../src/domain/storage/sessions.js';
import type { Store } from '../../../src/domain/storage/index.js';
import type { StoreSubject } from '../subject.js';
import { addAgent, HOUR, MINUTE, T0, useStore } from './fixtures.js';

const hashOf = (n: number) => Buffer.alloc(32, n);
const PASSWORD = { hash: Buffer.alloc(32, 0xaa), salt: Buffer.alloc(16, 0xbb), params: '{}' };
const session = (agentId: number, overrides: Partial<ConsoleSession> = {}): ConsoleSession => ({
  agentId,
  csrfToken: 'csrf-token',
  createdAt: T0,
  lastSeenAt: T0,
  expiresAt: T0 + HOUR,
  ...overrides,
});

/** An agent with a console password; returns their id. */
async function agentWithPassword(store: Store, name = 'Ann'): Promise<number> {
  const { agentId } = await addAgent(store, name);
  await store.credentials.setPassword(agentId, PASSWORD, T0);
  return agentId;
}

export function sessionRepositoryContract(subject: StoreSubject): void {
  describe('SessionRepository', () => {
    const t = useStore(subject);

    it('starts a session for an agent whose password is the one just checked, found until it expires', async () => {
      const agentId = await agentWithPassword(t.store);
      expect(await t.store.sessions.create(hashOf(1), session(agentId), PASSWORD.hash)).toBe(true);
      expect(await t.store.sessions.find(hashOf(1), T0 + HOUR - 1)).toEqual(session(agentId));
      expect(await t.store.sessions.find(hashOf(1), T0 + HOUR + 1)).toBeUndefined();
      expect(await t.store.sessions.find(hashOf(2), T0)).toBeUndefined();
    });

    it('starts no session when the password changed since it was checked, or the agent has none or was removed', async () => {
      const changed = await agentWithPassword(t.store, 'Changed');
      await t.store.credentials.setPassword(changed, { ...PASSWORD, hash: Buffer.alloc(32, 0xcc) }, T0 + 1);
      expect(await t.store.sessions.create(hashOf(1), session(changed), PASSWORD.hash)).toBe(false);
      const none = (await addAgent(t.store, 'No password')).agentId;
      expect(await t.store.sessions.create(hashOf(2), session(none), PASSWORD.hash)).toBe(false);
      const removed = await agentWithPassword(t.store, 'Removed');
      await t.store.agents.remove(removed, T0 + 1);
      expect(await t.store.sessions.create(hashOf(3), session(removed), PASSWORD.hash)).toBe(false);
      for (const n of [1, 2, 3]) expect(await t.store.sessions.find(hashOf(n), T0)).toBeUndefined();
    });

    it('starts no session when another instance changed the password after the check', async () => {
      const other = await t.another();
      const agentId = await agentWithPassword(t.store);
      await other.credentials.setPassword(agentId, { ...PASSWORD, hash: Buffer.alloc(32, 0xcc) }, T0 + 1);
      expect(await t.store.sessions.create(hashOf(1), session(agentId), PASSWORD.hash)).toBe(false);
    });

    it('keeps a session alive on activity', async () => {
      const agentId = await agentWithPassword(t.store);
      await t.store.sessions.create(hashOf(1), session(agentId), PASSWORD.hash);
      await t.store.sessions.touch(hashOf(1), T0 + 30 * MINUTE, T0 + 90 * MINUTE);
      expect(await t.store.sessions.find(hashOf(1), T0 + 80 * MINUTE)).toEqual(session(agentId, { lastSeenAt: T0 + 30 * MINUTE, expiresAt: T0 + 90 * MINUTE }));
    });

    it('deletes a session', async () => {
      const agentId = await agentWithPassword(t.store);
      await t.store.sessions.create(hashOf(1), session(agentId), PASSWORD.hash);
      await t.store.sessions.create(hashOf(2), session(agentId), PASSWORD.hash);
      await t.store.sessions.delete(hashOf(1));
      expect(await t.store.sessions.find(hashOf(1), T0)).toBeUndefined();
      expect(await t.store.sessions.find(hashOf(2), T0)).toBeDefined();
    });

    it('purges the sessions that expired, and tells how many', async () => {
      const agentId = await agentWithPassword(t.store);
      await t.store.sessions.create(hashOf(1), session(agentId, { expiresAt: T0 + MINUTE }), PASSWORD.hash);
      await t.store.sessions.create(hashOf(2), session(agentId, { expiresAt: T0 + 2 * MINUTE }), PASSWORD.hash);
      await t.store.sessions.create(hashOf(3), session(agentId, { expiresAt: T0 + HOUR }), PASSWORD.hash);
      expect(await t.store.sessions.purgeExpired(T0 + 3 * MINUTE)).toBe(2);
      expect(await t.store.sessions.purgeExpired(T0 + 3 * MINUTE)).toBe(0);
      // Even a clock gone back does not bring them back.
      expect(await t.store.sessions.find(hashOf(1), T0)).toBeUndefined();
      expect(await t.store.sessions.find(hashOf(3), T0)).toBeDefined();
    });
  });
}
