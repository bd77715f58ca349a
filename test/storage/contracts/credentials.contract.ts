import { describe, expect, it } from 'vitest';
import type { StoredPassword } from '../../../src/domain/storage/credentials.js';
import type { StoreSubject } from '../subject.js';
import { addAgent, HOUR, MINUTE, T0, useStore, winners } from './fixtures.js';

const password = (fill: number): StoredPassword => ({ hash: Buffer.alloc(32, fill), salt: Buffer.alloc(16, fill + 1), params: `{"N":${16384 * fill}}` });
/** Pause sign-in for 15 minutes after 3 attempts in a row; attempts before T0 - 1 hour are forgotten. */
const lock = (at: number) => ({ after: 3, until: at + 15 * MINUTE, since: at - HOUR });
const session = (agentId: number) => ({ agentId, csrfToken: 'csrf', createdAt: T0, lastSeenAt: T0, expiresAt: T0 + HOUR });

export function credentialRepositoryContract(subject: StoreSubject): void {
  describe('CredentialRepository', () => {
    const t = useStore(subject);

    it('sets a password with no failures and ends the agent\'s sessions', async () => {
      const a = await addAgent(t.store, 'Ann');
      expect(await t.store.credentials.get(a.agentId)).toBeUndefined();
      expect(await t.store.credentials.setPassword(a.agentId, password(1), T0)).toBe(true);
      expect(await t.store.credentials.get(a.agentId)).toEqual({ agentId: a.agentId, ...password(1), failedAttempts: 0, lockedUntil: null });
      expect(await t.store.sessions.create(Buffer.alloc(32, 9), session(a.agentId), password(1).hash)).toBe(true);
      expect(await t.store.credentials.setPassword(a.agentId, password(2), T0 + 1)).toBe(true);
      expect(await t.store.credentials.get(a.agentId)).toMatchObject(password(2));
      expect(await t.store.sessions.find(Buffer.alloc(32, 9), T0 + 2)).toBeUndefined();
    });

    it('sets no password for an unknown or removed agent', async () => {
      const a = await addAgent(t.store, 'Leaver');
      await t.store.agents.remove(a.agentId, T0);
      expect(await t.store.credentials.setPassword(a.agentId, password(1), T0 + 1)).toBe(false);
      expect(await t.store.credentials.setPassword(404, password(1), T0 + 1)).toBe(false);
      expect(await t.store.credentials.get(a.agentId)).toBeUndefined();
      expect(await t.store.credentials.withPassword()).toEqual(new Set());
    });

    it('counts each attempt before its check and pauses sign-in once the limit is reached', async () => {
      const a = await addAgent(t.store, 'Ann');
      const c = t.store.credentials;
      await c.setPassword(a.agentId, password(1), T0);
      expect(await c.countAttempt(a.agentId, T0 + 1, lock(T0 + 1))).toEqual({ agentId: a.agentId, ...password(1), failedAttempts: 1, lockedUntil: null });
      expect(await c.countAttempt(a.agentId, T0 + 2, lock(T0 + 2))).toMatchObject({ failedAttempts: 2, lockedUntil: null });
      expect(await c.countAttempt(a.agentId, T0 + 3, lock(T0 + 3))).toMatchObject({ failedAttempts: 3, lockedUntil: T0 + 3 + 15 * MINUTE });
      // Paused: not counted, no password to check.
      expect(await c.countAttempt(a.agentId, T0 + 4, lock(T0 + 4))).toBeUndefined();
      expect(await c.get(a.agentId)).toMatchObject({ failedAttempts: 3, lockedUntil: T0 + 3 + 15 * MINUTE });
      // Once the pause is over, attempts are counted again.
      const after = T0 + 3 + 15 * MINUTE;
      expect(await c.countAttempt(a.agentId, after, lock(after))).toMatchObject({ failedAttempts: 4 });
    });

    it('starts the count again when the previous attempt is older than `since`', async () => {
      const a = await addAgent(t.store, 'Ann');
      const c = t.store.credentials;
      await c.setPassword(a.agentId, password(1), T0);
      await c.countAttempt(a.agentId, T0 + 1, lock(T0 + 1));
      await c.countAttempt(a.agentId, T0 + 2, lock(T0 + 2));
      const later = T0 + 2 * HOUR;
      expect(await c.countAttempt(a.agentId, later, lock(later))).toMatchObject({ failedAttempts: 1, lockedUntil: null });
    });

    it('counts nothing for an agent without a password', async () => {
      const a = await addAgent(t.store, 'Ann');
      expect(await t.store.credentials.countAttempt(a.agentId, T0, lock(T0))).toBeUndefined();
      expect(await t.store.credentials.get(a.agentId)).toBeUndefined();
    });

    it('clears the count and the pause when the password matched', async () => {
      const a = await addAgent(t.store, 'Ann');
      const c = t.store.credentials;
      await c.setPassword(a.agentId, password(1), T0);
      for (const at of [T0 + 1, T0 + 2, T0 + 3]) await c.countAttempt(a.agentId, at, lock(at));
      await c.recordSuccess(a.agentId, T0 + 4);
      expect(await c.get(a.agentId)).toMatchObject({ failedAttempts: 0, lockedUntil: null });
      expect(await c.countAttempt(a.agentId, T0 + 5, lock(T0 + 5))).toMatchObject({ failedAttempts: 1 });
    });

    it('a new password clears the count and the pause', async () => {
      const a = await addAgent(t.store, 'Ann');
      const c = t.store.credentials;
      await c.setPassword(a.agentId, password(1), T0);
      for (const at of [T0 + 1, T0 + 2, T0 + 3]) await c.countAttempt(a.agentId, at, lock(at));
      await c.setPassword(a.agentId, password(2), T0 + 4);
      expect(await c.get(a.agentId)).toMatchObject({ failedAttempts: 0, lockedUntil: null });
      expect(await c.countAttempt(a.agentId, T0 + 5, lock(T0 + 5))).toMatchObject({ hash: password(2).hash, failedAttempts: 1 });
    });

    it('lists the agents who have a password', async () => {
      const [a, b] = [await addAgent(t.store, 'A'), await addAgent(t.store, 'B')];
      await addAgent(t.store, 'No password');
      await t.store.credentials.setPassword(a.agentId, password(1), T0);
      await t.store.credentials.setPassword(b.agentId, password(2), T0);
      expect(await t.store.credentials.withPassword()).toEqual(new Set([a.agentId, b.agentId]));
    });

    it('lets no more attempts than the limit slip in when they come at the same time, from two instances', async () => {
      const other = await t.another();
      const a = await addAgent(t.store, 'Ann');
      await t.store.credentials.setPassword(a.agentId, password(1), T0);
      const attempts = [t.store, other, t.store, other, t.store, other, t.store, other].map((s) => s.credentials.countAttempt(a.agentId, T0 + 1, lock(T0 + 1)));
      expect(winners(await Promise.all(attempts))).toBe(3);
      expect(await t.store.credentials.get(a.agentId)).toMatchObject({ failedAttempts: 3, lockedUntil: T0 + 1 + 15 * MINUTE });
    });
  });
}
