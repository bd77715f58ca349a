import { beforeEach, describe, expect, it } from 'vitest';
import type { QueueEntry } from '../../../src/domain/storage/queue.js';
import type { Store } from '../../../src/domain/storage/index.js';
import type { StoreSubject } from '../subject.js';
import { addAgent, customerId, sid, T0, useStore, winners } from './fixtures.js';

type Caller = Pick<QueueEntry, 'callSid' | 'customerId' | 'tier' | 'language'>;
const caller = (n: number, tier: Caller['tier'] = 'standard'): Caller => ({ callSid: sid(n), customerId: customerId(n), tier, language: 'en-US' });
const order = async (store: Store) => (await store.queue.waiting()).map((e) => e.callSid);

export function queueRepositoryContract(subject: StoreSubject): void {
  describe('QueueRepository', () => {
    const t = useStore(subject);
    // The agents calls are offered to.
    let ann = 0;
    let ben = 0;
    beforeEach(async () => {
      ann = (await addAgent(t.store, 'Ann')).agentId;
      ben = (await addAgent(t.store, 'Ben')).agentId;
    });

    it('puts a caller in the queue, waiting and offered to no one', async () => {
      await t.store.queue.enqueue({ ...caller(1, 'premium'), language: 'ja-JP' }, T0);
      expect(await t.store.queue.get(sid(1))).toEqual({
        callSid: sid(1),
        customerId: customerId(1),
        tier: 'premium',
        language: 'ja-JP',
        enqueuedAt: T0,
        status: 'waiting',
        offeredAgentId: null,
        offeredAt: null,
      });
      expect(await t.store.queue.get(sid(404))).toBeUndefined();
    });

    it('orders Premium callers before Standard ones, then the longest waiting first, and counts them', async () => {
      await t.store.queue.enqueue(caller(1), T0);
      await t.store.queue.enqueue(caller(2, 'premium'), T0 + 2);
      await t.store.queue.enqueue(caller(3), T0 - 1);
      await t.store.queue.enqueue(caller(4, 'premium'), T0 + 1);
      expect(await order(t.store)).toEqual([sid(4), sid(2), sid(3), sid(1)]);
      expect(await Promise.all([4, 2, 3, 1].map((n) => t.store.queue.position(sid(n))))).toEqual([1, 2, 3, 4]);
      expect(await t.store.queue.position(sid(404))).toBeNull();
      expect(await t.store.queue.waitingCount()).toBe(4);
    });

    it('offers the head of the line to an agent once; a caller behind it is not offered', async () => {
      await t.store.queue.enqueue(caller(1), T0);
      await t.store.queue.enqueue(caller(2), T0 + 1);
      expect(await t.store.queue.offerHead(sid(2), ann, T0 + 2)).toBe(false);
      expect(await t.store.queue.offerHead(sid(1), ann, T0 + 2)).toBe(true);
      expect(await t.store.queue.get(sid(1))).toMatchObject({ status: 'offered', offeredAgentId: ann, offeredAt: T0 + 2 });
      expect(await t.store.queue.offerHead(sid(1), ben, T0 + 3)).toBe(false);
      expect(await t.store.queue.position(sid(1))).toBeNull();
      expect(await t.store.queue.position(sid(2))).toBe(1);
      expect(await t.store.queue.waitingCount()).toBe(1);
      expect(await t.store.queue.offerHead(sid(2), ben, T0 + 3)).toBe(true);
    });

    it('puts a caller whose offer fell through back at their original place', async () => {
      await t.store.queue.enqueue(caller(1), T0);
      await t.store.queue.enqueue(caller(2), T0 + 1);
      await t.store.queue.offerHead(sid(1), ann, T0 + 2);
      await t.store.queue.enqueue(caller(1), T0 + 3);
      expect(await t.store.queue.get(sid(1))).toMatchObject({ status: 'waiting', enqueuedAt: T0, offeredAgentId: null, offeredAt: null });
      expect(await order(t.store)).toEqual([sid(1), sid(2)]);
    });

    it('takes a waiting caller out of the line for a callback, once', async () => {
      await t.store.queue.enqueue(caller(1), T0);
      expect(await t.store.queue.requestCallback(sid(1), T0 + 1)).toBe(true);
      expect(await t.store.queue.get(sid(1))).toMatchObject({ status: 'callback-requested' });
      expect(await t.store.queue.requestCallback(sid(1), T0 + 2)).toBe(false);
      expect(await t.store.queue.requestCallback(sid(404), T0 + 2)).toBe(false);
      await t.store.queue.enqueue(caller(2), T0);
      await t.store.queue.offerHead(sid(2), ann, T0);
      expect(await t.store.queue.requestCallback(sid(2), T0 + 2)).toBe(false);
      expect(await t.store.queue.waitingCount()).toBe(0);
    });

    it('closes a caller for good, connected or gone', async () => {
      await t.store.queue.enqueue(caller(1), T0);
      await t.store.queue.enqueue(caller(2), T0);
      await t.store.queue.offerHead(sid(1), ann, T0 + 1);
      await t.store.queue.close(sid(1), 'connected', T0 + 2);
      await t.store.queue.close(sid(2), 'left', T0 + 2);
      expect((await t.store.queue.get(sid(1)))?.status).toBe('connected');
      expect((await t.store.queue.get(sid(2)))?.status).toBe('left');
      expect(await order(t.store)).toEqual([]);
    });

    it('lets a caller still in line or being offered go when their call ends, and no one else', async () => {
      await t.store.queue.enqueue(caller(1), T0);
      await t.store.queue.enqueue(caller(2), T0 + 1);
      await t.store.queue.enqueue(caller(3), T0 + 2);
      await t.store.queue.offerHead(sid(1), ann, T0 + 3);
      await t.store.queue.enqueue(caller(4), T0 + 3);
      await t.store.queue.offerHead(sid(2), ben, T0 + 3);
      await t.store.queue.close(sid(2), 'connected', T0 + 4);
      await t.store.queue.requestCallback(sid(3), T0 + 4);
      for (const n of [1, 2, 3, 4]) await t.store.queue.abandon(sid(n), T0 + 5);
      const statuses = await Promise.all([1, 2, 3, 4].map(async (n) => (await t.store.queue.get(sid(n)))?.status));
      expect(statuses).toEqual(['left', 'connected', 'callback-requested', 'left']);
    });

    it('of two instances offering the head of the line at the same time, exactly one does', async () => {
      const other = await t.another();
      await t.store.queue.enqueue(caller(1), T0);
      const answers = await Promise.all([t.store.queue.offerHead(sid(1), ann, T0 + 1), other.queue.offerHead(sid(1), ben, T0 + 1)]);
      expect(winners(answers)).toBe(1);
      expect((await t.store.queue.get(sid(1)))?.offeredAgentId).toBe(answers[0] ? ann : ben);
    });
  });
}
