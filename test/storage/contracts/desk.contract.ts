import { describe, expect, it } from 'vitest';
import { callbackRounds } from '../../../src/domain/callbackRounds.js';
import { DIAL_POLICY } from '../../../src/domain/serviceNumbers.js';
import type { StoreSubject } from '../subject.js';
import { addAgent, addCallback, addCustomer, HOUR, MINUTE, sid, T0, useStore } from './fixtures.js';

export function callbackDeskRepositoryContract(subject: StoreSubject): void {
  describe('CallbackDeskRepository', () => {
    const t = useStore(subject);
    /** A customer, one callback and two agents. */
    async function setUp() {
      const customer = await addCustomer(t.store);
      const callback = await addCallback(t.store, customer, 1);
      const ann = await addAgent(t.store, 'Ann');
      const ben = await addAgent(t.store, 'Ben');
      return { customer, callbackId: callback.callbackId, ann: ann.agentId, ben: ben.agentId };
    }

    it('shows a callback as agents work on it: unclaimed, without notes', async () => {
      const customer = await addCustomer(t.store);
      const callback = await addCallback(t.store, customer, 1);
      expect(await t.store.desk.get(callback.callbackId)).toEqual({
        ...callback,
        claimedBy: null,
        claimedAt: null,
        completedBy: null,
        outcome: null,
        notes: 0,
        connectedAt: null,
        breachedAt: null,
      });
      expect(await t.store.desk.get(404)).toBeUndefined();
    });

    it('adds notes, listed oldest first with who wrote them, and counts them', async () => {
      const { callbackId, ann, ben } = await setUp();
      expect(await t.store.desk.addNote(callbackId, ann, 'Customer asked for the afternoon', T0 + 1)).toBeNull();
      expect(await t.store.desk.addNote(callbackId, ben, 'Left a voicemail', T0 + 2)).toBeNull();
      expect(await t.store.desk.notes(callbackId)).toEqual([
        { noteId: expect.any(Number), callbackId, agentId: ann, agentName: 'Ann', kind: 'note', body: 'Customer asked for the afternoon', createdAt: T0 + 1 },
        { noteId: expect.any(Number), callbackId, agentId: ben, agentName: 'Ben', kind: 'note', body: 'Left a voicemail', createdAt: T0 + 2 },
      ]);
      expect((await t.store.desk.get(callbackId))?.notes).toBe(2);
      expect(await t.store.desk.addNote(404, ann, 'Nowhere', T0)).toBe('not-found');
    });

    it('claims an open callback for one agent; another takes it only by taking over', async () => {
      const { callbackId, ann, ben } = await setUp();
      expect(await t.store.desk.claim(callbackId, ann, T0 + 1)).toBeNull();
      expect(await t.store.desk.get(callbackId)).toMatchObject({ claimedBy: { agentId: ann, name: 'Ann' }, claimedAt: T0 + 1, notes: 0 });
      expect(await t.store.desk.claim(callbackId, ann, T0 + 2)).toBeNull();
      expect(await t.store.desk.claim(callbackId, ben, T0 + 3)).toBe('claimed-by-other');
      expect(await t.store.desk.claim(callbackId, ben, T0 + 4, { takeOver: true })).toBeNull();
      expect(await t.store.desk.get(callbackId)).toMatchObject({ claimedBy: { agentId: ben, name: 'Ben' }, claimedAt: T0 + 4 });
      const events = (await t.store.desk.notes(callbackId)).map((n) => [n.kind, n.agentId]);
      expect(events).toEqual([['claimed', ann], ['claimed', ben]]);
      expect(await t.store.desk.claim(404, ann, T0)).toBe('not-found');
    });

    it('releases a claim for its holder only', async () => {
      const { callbackId, ann, ben } = await setUp();
      expect(await t.store.desk.release(callbackId, ann, T0)).toBeNull();
      await t.store.desk.claim(callbackId, ann, T0 + 1);
      expect(await t.store.desk.release(callbackId, ben, T0 + 2)).toBe('claimed-by-other');
      expect(await t.store.desk.release(callbackId, ann, T0 + 3)).toBeNull();
      expect(await t.store.desk.get(callbackId)).toMatchObject({ claimedBy: null, claimedAt: null });
      expect((await t.store.desk.notes(callbackId)).map((n) => n.kind)).toEqual(['claimed', 'released']);
      expect(await t.store.desk.release(404, ann, T0)).toBe('not-found');
    });

    it('completes an open callback once; a completed one cannot be claimed', async () => {
      const { callbackId, ann, ben } = await setUp();
      expect(await t.store.desk.complete(callbackId, ann, T0 + 1)).toBeNull();
      expect(await t.store.desk.get(callbackId)).toMatchObject({ status: 'completed', completedBy: { agentId: ann, name: 'Ann' }, updatedAt: T0 + 1 });
      expect(await t.store.desk.complete(callbackId, ben, T0 + 2)).toBeNull();
      expect(await t.store.desk.get(callbackId)).toMatchObject({ completedBy: { agentId: ann, name: 'Ann' } });
      expect((await t.store.desk.notes(callbackId)).map((n) => n.kind)).toEqual(['completed']);
      expect(await t.store.desk.claim(callbackId, ben, T0 + 3)).toBe('closed');
      expect(await t.store.desk.complete(404, ann, T0)).toBe('not-found');
    });

    it('keeps the outcome the completing agent recorded; completing again does not change it', async () => {
      const { callbackId, ann, ben } = await setUp();
      expect(await t.store.desk.complete(callbackId, ann, T0 + 1, 'unreachable')).toBeNull();
      expect(await t.store.desk.get(callbackId)).toMatchObject({ status: 'completed', outcome: 'unreachable' });
      expect(await t.store.desk.complete(callbackId, ben, T0 + 2, 'reached')).toBeNull();
      expect(await t.store.desk.get(callbackId)).toMatchObject({ outcome: 'unreachable', completedBy: { agentId: ann, name: 'Ann' } });
      expect((await t.store.desk.notes(callbackId)).map((n) => n.body)).toEqual(['Marked completed (was pending): could not reach the customer']);
    });

    it('shows open callbacks earliest due first, then those closed since a moment, latest first', async () => {
      const customer = await addCustomer(t.store);
      const ann = (await addAgent(t.store, 'Ann')).agentId;
      const late = await addCallback(t.store, customer, 1, { dueAt: T0 + 3 * HOUR });
      const early = await addCallback(t.store, customer, 2, { dueAt: T0 + HOUR });
      const closedFirst = await addCallback(t.store, customer, 3);
      const closedThen = await addCallback(t.store, customer, 4);
      const closedLongAgo = await addCallback(t.store, customer, 5);
      await t.store.desk.complete(closedLongAgo.callbackId, ann, T0 - HOUR);
      await t.store.desk.complete(closedFirst.callbackId, ann, T0 + 1);
      await t.store.desk.complete(closedThen.callbackId, ann, T0 + 2);
      const board = async (since: number, limit: number) => (await t.store.desk.board(since, limit)).map((c) => c.callbackId);
      expect(await board(T0, 10)).toEqual([early, late, closedThen, closedFirst].map((c) => c.callbackId));
      expect(await board(T0 + 2, 10)).toEqual([early, late, closedThen].map((c) => c.callbackId));
      expect((await t.store.desk.board(T0, 10))[0]).toMatchObject({ reference: early.reference, claimedBy: null, notes: 0 });
    });

    it('of two instances claiming one callback at the same time, exactly one gets it', async () => {
      const other = await t.another();
      const { callbackId, ann, ben } = await setUp();
      const answers = await Promise.all([t.store.desk.claim(callbackId, ann, T0), other.desk.claim(callbackId, ben, T0)]);
      expect([...answers].sort()).toEqual(['claimed-by-other', null]);
      expect((await t.store.desk.get(callbackId))?.claimedBy?.agentId).toBe(answers[0] === null ? ann : ben);
    });

    it("lists the calls to the customer's phone, oldest first, with the key press that confirmed a person", async () => {
      const { callbackId, ann } = await setUp();
      const d = t.store.dialer;
      const rounds = callbackRounds(t.store);
      const lease = 5 * MINUTE;
      expect(await t.store.desk.customerTries(callbackId)).toEqual([]);
      for (const [round, answered] of [[1, false], [2, true]] as const) {
        const now = T0 + round * HOUR;
        const claim = await d.claimNext('worker', now, lease);
        const [leg] = (await rounds.requestAgentLegs(callbackId, claim!.round, 'worker', [ann], now))!;
        await d.recordCallPlaced(leg!.legId, sid(100 + round), now, now + lease);
        const accepted = await rounds.accept(leg!.legId, now + 1, now + lease);
        if (accepted.result !== 'won') throw new Error('the only agent did not win');
        await d.recordCallPlaced(accepted.customerLegId, sid(200 + round), now + 2, now + lease);
        if (answered) await rounds.confirmCustomer(accepted.customerLegId, now + 3);
        await rounds.applyLegNews({ legId: accepted.customerLegId, callSid: sid(200 + round), status: answered ? 'completed' : 'no-answer' }, now + 4, DIAL_POLICY);
        await rounds.applyLegNews({ legId: leg!.legId, callSid: sid(100 + round), status: 'completed' }, now + 5, DIAL_POLICY);
      }
      expect(await t.store.desk.customerTries(callbackId)).toEqual([
        { at: T0 + HOUR + 1, status: 'no-answer', confirmedAt: null },
        { at: T0 + 2 * HOUR + 1, status: 'completed', confirmedAt: T0 + 2 * HOUR + 3 },
      ]);
      expect(await t.store.desk.get(callbackId)).toMatchObject({ status: 'completed', connectedAt: T0 + 2 * HOUR + 3 });
    });
  });
}
