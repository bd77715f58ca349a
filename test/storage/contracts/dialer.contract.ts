import { describe, expect, it } from 'vitest';
import type { ClaimedCallback } from '../../../src/domain/storage/callbackDialer.js';
import type { StoreSubject } from '../subject.js';
import { addAgent, addCallback, addCustomer, callRecord, HOUR, MINUTE, sid, T0, useStore, winners } from './fixtures.js';

const LEASE = 2 * MINUTE;
/** The CallSid Twilio gives a leg, made from its id. */
const legSid = (legId: number) => sid(1_000_000 + legId);

/*
 * The dialer's storage: leases, legs and guarded writes. What a round decides from them is
 * src/domain/callbackRounds.ts, tested in test/dialer/callbackRounds.test.ts.
 */
export function callbackDialerRepositoryContract(subject: StoreSubject): void {
  describe('CallbackDialerRepository', () => {
    const t = useStore(subject);
    const claimedIds = (claims: Array<ClaimedCallback | undefined>) => claims.map((c) => c?.callback.callbackId);

    /** Records legs for the agents of a claimed callback and their calls placed; returns the legs. */
    async function ring(claim: ClaimedCallback, agentIds: number[], now: number) {
      const legs = [];
      for (const agentId of agentIds) {
        const leg = await t.store.dialer.addLeg(claim.callback.callbackId, claim.round, 'agent', agentId, now);
        await t.store.dialer.recordCallPlaced(leg.legId, legSid(leg.legId), now, now + LEASE);
        legs.push((await t.store.dialer.leg(leg.legId))!);
      }
      return legs;
    }

    /** A claimed callback, its round's agent legs placed, for `agents` named Ann, Ben, ... */
    async function claimedWithLegs(agents = 1, now = T0) {
      const c = await addCustomer(t.store);
      const cb = await addCallback(t.store, c, 1);
      const ids = [];
      for (const name of ['Ann', 'Ben', 'Cy'].slice(0, agents)) ids.push((await addAgent(t.store, name)).agentId);
      const claim = (await t.store.dialer.claimNext('worker', now, LEASE))!;
      return { cb, claim, legs: await ring(claim, ids, now), agentIds: ids };
    }

    it('claims a due callback for a worker: dialing, in its first round, and no one else claims it', async () => {
      const c = await addCustomer(t.store);
      const cb = await addCallback(t.store, c, 1);
      const claim = await t.store.dialer.claimNext('worker-1', T0, LEASE);
      expect(claim).toEqual({ callback: expect.objectContaining({ callbackId: cb.callbackId, status: 'dialing' }), round: 1, abandonedLegs: 0, takenOver: false });
      expect(await t.store.callbacks.get(cb.callbackId)).toMatchObject({ status: 'dialing', attempts: 0 });
      expect(await t.store.dialer.claimNext('worker-2', T0 + LEASE - 1, LEASE)).toBeUndefined();
    });

    it('claims the earliest due first, then Premium before Standard, then P1 before P2', async () => {
      const c = await addCustomer(t.store);
      const later = await addCallback(t.store, c, 1, { dueAt: T0 + 2 * HOUR, tier: 'premium', priority: 'P1' });
      const standardP2 = await addCallback(t.store, c, 2, { dueAt: T0 + HOUR, tier: 'standard', priority: 'P2' });
      const standardP1 = await addCallback(t.store, c, 3, { dueAt: T0 + HOUR, tier: 'standard', priority: 'P1' });
      const premiumP2 = await addCallback(t.store, c, 4, { dueAt: T0 + HOUR, tier: 'premium', priority: 'P2' });
      const claims = [];
      for (let i = 0; i < 5; i++) claims.push(await t.store.dialer.claimNext('worker', T0, LEASE));
      expect(claimedIds(claims)).toEqual([premiumP2.callbackId, standardP1.callbackId, standardP2.callbackId, later.callbackId, undefined]);
    });

    it('leaves a callback an agent claimed in the console to that agent', async () => {
      const c = await addCustomer(t.store);
      const cb = await addCallback(t.store, c, 1);
      const ann = await addAgent(t.store, 'Ann');
      await t.store.desk.claim(cb.callbackId, ann.agentId, T0);
      expect(await t.store.dialer.claimNext('worker', T0, LEASE)).toBeUndefined();
      await t.store.desk.release(cb.callbackId, ann.agentId, T0 + 1);
      expect((await t.store.dialer.claimNext('worker', T0 + 2, LEASE))?.callback.callbackId).toBe(cb.callbackId);
    });

    it('waits for the call that booked a callback to end, for at most 15 minutes after its last step', async () => {
      const c = await addCustomer(t.store);
      await t.store.calls.start(callRecord(sid(1), { updatedAt: T0 }));
      await t.store.calls.start(callRecord(sid(2), { updatedAt: T0 }));
      const stillOnTheLine = await addCallback(t.store, c, 1, { dueAt: T0 + HOUR });
      const hungUp = await addCallback(t.store, c, 2, { dueAt: T0 + 2 * HOUR });
      await t.store.calls.end(sid(2), T0 + MINUTE, 'callback');
      // Leased for an hour: the claimed one is not claimed again meanwhile.
      expect(claimedIds([await t.store.dialer.claimNext('worker', T0 + MINUTE, HOUR)])).toEqual([hungUp.callbackId]);
      expect(await t.store.dialer.claimNext('worker', T0 + 14 * MINUTE, HOUR)).toBeUndefined();
      expect(claimedIds([await t.store.dialer.claimNext('worker', T0 + 16 * MINUTE, HOUR)])).toEqual([stillOnTheLine.callbackId]);
    });

    it('takes over a callback whose worker stopped before placing its calls, abandoning the legs never placed', async () => {
      const c = await addCustomer(t.store);
      const cb = await addCallback(t.store, c, 1);
      const ann = await addAgent(t.store, 'Ann');
      const first = (await t.store.dialer.claimNext('worker-1', T0, LEASE))!;
      const leg = await t.store.dialer.addLeg(cb.callbackId, first.round, 'agent', ann.agentId, T0);
      expect(await t.store.dialer.agentsBeingRung(T0 + 1)).toEqual([ann.agentId]);
      const second = await t.store.dialer.claimNext('worker-2', T0 + LEASE + 1, LEASE);
      expect(second).toMatchObject({ callback: { callbackId: cb.callbackId, status: 'dialing' }, round: 2, abandonedLegs: 1, takenOver: true });
      expect(await t.store.dialer.leg(leg.legId)).toMatchObject({ status: 'abandoned', round: 1 });
      expect(await t.store.dialer.agentsBeingRung(T0 + LEASE + 1)).toEqual([]);
      // The first worker no longer holds the callback.
      expect(await t.store.dialer.callbackForUpdate(cb.callbackId)).toMatchObject({ round: 2, leaseOwner: 'worker-2' });
      expect(await t.store.dialer.extendLease(cb.callbackId, first.round, 'worker-1', T0 + HOUR)).toBe(false);
    });

    it('does not take over a callback whose calls are live, and lists those legs once the lease expired', async () => {
      const c = await addCustomer(t.store);
      await addCallback(t.store, c, 1);
      const ann = await addAgent(t.store, 'Ann');
      const claim = (await t.store.dialer.claimNext('worker-1', T0, LEASE))!;
      const [leg] = await ring(claim, [ann.agentId], T0);
      expect(await t.store.dialer.liveLegsOfExpiredLeases(T0 + LEASE - 1)).toEqual([]);
      expect(await t.store.dialer.claimNext('worker-2', T0 + LEASE + 1, LEASE)).toBeUndefined();
      expect(await t.store.dialer.liveLegsOfExpiredLeases(T0 + LEASE + 1)).toEqual([expect.objectContaining({ legId: leg!.legId, callSid: legSid(leg!.legId) })]);
    });

    it('keeps the lease of a round whose legs are live', async () => {
      const c = await addCustomer(t.store);
      const cb = await addCallback(t.store, c, 1);
      const ann = await addAgent(t.store, 'Ann');
      const claim = (await t.store.dialer.claimNext('worker', T0, LEASE))!;
      await ring(claim, [ann.agentId], T0);
      expect(await t.store.dialer.extendLease(cb.callbackId, claim.round, 'worker', T0 + 10 * MINUTE)).toBe(true);
      expect(await t.store.dialer.liveLegsOfExpiredLeases(T0 + LEASE + 1)).toEqual([]);
      expect(await t.store.dialer.liveLegsOfExpiredLeases(T0 + 10 * MINUTE + 1)).toHaveLength(1);
      expect(await t.store.dialer.extendLease(cb.callbackId, claim.round + 1, 'worker', T0 + HOUR)).toBe(false);
    });

    it('records a placed call: its CallSid, and the leg queued', async () => {
      const c = await addCustomer(t.store);
      await addCallback(t.store, c, 1);
      const ann = await addAgent(t.store, 'Ann');
      const claim = (await t.store.dialer.claimNext('worker', T0, LEASE))!;
      const leg = await t.store.dialer.addLeg(claim.callback.callbackId, claim.round, 'agent', ann.agentId, T0);
      await t.store.dialer.recordCallPlaced(leg.legId, sid(7), T0 + 1, T0 + LEASE);
      expect(await t.store.dialer.leg(leg.legId)).toMatchObject({ callSid: sid(7), status: 'queued', updatedAt: T0 + 1 });
    });

    it('gives a callback back for a later try, without counting one, for the worker holding it only', async () => {
      const c = await addCustomer(t.store);
      const cb = await addCallback(t.store, c, 1);
      const claim = (await t.store.dialer.claimNext('worker', T0, LEASE))!;
      expect(await t.store.dialer.releaseForRetry(cb.callbackId, claim.round, 'another-worker', T0 + 10 * MINUTE, 'x', T0)).toBe(false);
      expect(await t.store.dialer.releaseForRetry(cb.callbackId, claim.round, 'worker', T0 + 10 * MINUTE, 'no agent free', T0 + 1)).toBe(true);
      expect(await t.store.callbacks.get(cb.callbackId)).toMatchObject({ status: 'pending', attempts: 0, nextAttemptAt: T0 + 10 * MINUTE, lastError: 'no agent free' });
      expect(await t.store.dialer.releaseForRetry(cb.callbackId, claim.round, 'worker', T0 + 20 * MINUTE, 'again', T0 + 2)).toBe(false);
      expect(await t.store.dialer.claimNext('worker', T0 + 10 * MINUTE - 1, LEASE)).toBeUndefined();
      const next = (await t.store.dialer.claimNext('worker', T0 + 10 * MINUTE, LEASE))!;
      expect(next.round).toBe(2);
      expect(await t.store.dialer.releaseForRetry(cb.callbackId, next.round, 'worker', T0 + HOUR, null, T0 + 10 * MINUTE + 1)).toBe(true);
      expect(await t.store.callbacks.get(cb.callbackId)).toMatchObject({ lastError: 'no agent free', nextAttemptAt: T0 + HOUR });
    });

    it('marks the callbacks whose deadline passed before the customer was reached, once each', async () => {
      const c = await addCustomer(t.store);
      const overdue = await addCallback(t.store, c, 1, { dueAt: T0 - 1 });
      const due = await addCallback(t.store, c, 2, { dueAt: T0 + HOUR });
      const done = await addCallback(t.store, c, 3, { dueAt: T0 - 1 });
      await t.store.desk.complete(done.callbackId, (await addAgent(t.store, 'Ann')).agentId, T0 - 2);
      expect((await t.store.dialer.markBreaches(T0)).map((cb) => [cb.callbackId, cb.breachedAt])).toEqual([[overdue.callbackId, T0]]);
      expect(await t.store.callbacks.get(overdue.callbackId)).toMatchObject({ breachedAt: T0 });
      expect(await t.store.desk.get(overdue.callbackId)).toMatchObject({ breachedAt: T0 });
      expect(await t.store.dialer.markBreaches(T0 + 1)).toEqual([]);
      expect((await t.store.dialer.markBreaches(T0 + 2 * HOUR)).map((cb) => [cb.callbackId, cb.breachedAt])).toEqual([[due.callbackId, T0 + 2 * HOUR]]);
    });

    it('of two workers claiming at the same time, each callback goes to one of them', async () => {
      const other = await t.another();
      const c = await addCustomer(t.store);
      for (const n of [1, 2, 3, 4]) await addCallback(t.store, c, n, { dueAt: T0 + n * MINUTE });
      const claims = await Promise.all([t.store, other, t.store, other, t.store, other].map((s, i) => s.dialer.claimNext(`worker-${i}`, T0, LEASE)));
      const ids = claimedIds(claims).filter((id) => id !== undefined);
      expect(ids).toHaveLength(4);
      expect(new Set(ids).size).toBe(4);
      expect(winners(claims)).toBe(4);
      expect(claims.every((claim) => claim === undefined || claim.round === 1)).toBe(true);
    });

    it('reads a callback with its dial state: round, accepted leg and lease owner', async () => {
      const { cb, claim } = await claimedWithLegs();
      expect(await t.store.dialer.callbackForUpdate(cb.callbackId)).toEqual({
        callback: expect.objectContaining({ callbackId: cb.callbackId, status: 'dialing', attempts: 0 }),
        round: claim.round,
        acceptedLegId: null,
        leaseOwner: 'worker',
      });
      expect(await t.store.dialer.callbackForUpdate(404)).toBeUndefined();
      expect(await t.store.unitOfWork((tx) => tx.dialer.callbackForUpdate(cb.callbackId))).toMatchObject({ round: claim.round });
    });

    it('records a new leg about to be placed, and lists the legs of one round, oldest first', async () => {
      const { cb, claim, agentIds } = await claimedWithLegs(1);
      const leg = await t.store.dialer.addLeg(cb.callbackId, claim.round, 'customer', null, T0 + 1);
      expect(leg).toEqual({
        legId: expect.any(Number),
        callbackId: cb.callbackId,
        round: claim.round,
        kind: 'customer',
        agentId: null,
        callSid: null,
        status: 'requested',
        sequenceNumber: null,
        error: null,
        confirmedAt: null,
        createdAt: T0 + 1,
        updatedAt: T0 + 1,
      });
      expect(await t.store.dialer.leg(leg.legId)).toEqual(leg);
      expect((await t.store.dialer.roundLegs(cb.callbackId, claim.round)).map((l) => [l.kind, l.agentId])).toEqual([['agent', agentIds[0]], ['customer', null]]);
      expect(await t.store.dialer.roundLegs(cb.callbackId, claim.round + 1)).toEqual([]);
      expect(await t.store.dialer.agentsBeingRung(T0 + 1)).toEqual(agentIds);
      expect(await t.store.dialer.leg(404)).toBeUndefined();
    });

    it('records a status of a call once: the same CallSid and status again is refused', async () => {
      const { legs } = await claimedWithLegs();
      const leg = legs[0]!;
      const d = t.store.dialer;
      expect(await d.recordLegEvent(leg.legId, leg.callSid!, 'ringing', 2, T0 + 1)).toBe(true);
      expect(await d.recordLegEvent(leg.legId, leg.callSid!, 'ringing', 2, T0 + 2)).toBe(false);
      expect(await d.recordLegEvent(leg.legId, leg.callSid!, 'completed', 3, T0 + 3)).toBe(true);
    });

    it("writes a leg's news: keeps its CallSid and error when none is given, and the highest sequence number", async () => {
      const { legs } = await claimedWithLegs();
      const leg = legs[0]!;
      const d = t.store.dialer;
      expect(await d.updateLeg(leg.legId, { status: 'ringing', callSid: null, sequenceNumber: 2, error: 'slow' }, T0 + 1)).toMatchObject({
        status: 'ringing',
        callSid: leg.callSid,
        sequenceNumber: 2,
        error: 'slow',
        updatedAt: T0 + 1,
      });
      expect(await d.updateLeg(leg.legId, { status: 'in-progress', callSid: sid(99), sequenceNumber: 1, error: null }, T0 + 2)).toMatchObject({
        status: 'in-progress',
        callSid: leg.callSid,
        sequenceNumber: 2,
        error: 'slow',
      });
      expect(await d.leg(leg.legId)).toMatchObject({ status: 'in-progress', sequenceNumber: 2, updatedAt: T0 + 2 });
      expect(await d.updateLeg(404, { status: 'ringing', callSid: null, sequenceNumber: null, error: null }, T0)).toBeUndefined();
    });

    it('moves a callback only from the round and status it was read in', async () => {
      const { cb, claim } = await claimedWithLegs();
      const d = t.store.dialer;
      const back = { to: 'pending' as const, attempts: 1, nextAttemptAt: T0 + HOUR, lastError: 'customer no-answer' };
      expect(await d.moveCallback(cb.callbackId, { round: claim.round + 1, status: 'dialing' }, back, T0 + 1)).toBeUndefined();
      expect(await d.moveCallback(cb.callbackId, { round: claim.round, status: 'pending' }, back, T0 + 1)).toBeUndefined();
      expect(await d.moveCallback(cb.callbackId, { round: claim.round, status: 'dialing' }, back, T0 + 1)).toMatchObject({
        status: 'pending',
        attempts: 1,
        nextAttemptAt: T0 + HOUR,
        lastError: 'customer no-answer',
      });
      expect(await d.callbackForUpdate(cb.callbackId)).toMatchObject({ leaseOwner: null, acceptedLegId: null });
      // Pending now: moved from 'dialing' again, it stays as it is.
      expect(await d.moveCallback(cb.callbackId, { round: claim.round, status: 'dialing' }, { to: 'connected' }, T0 + 2)).toBeUndefined();
      expect(await t.store.callbacks.get(cb.callbackId)).toMatchObject({ status: 'pending', connectedAt: null });
    });

    it('connects a callback once, keeping the first connection time, then completes it; fails one with its tries', async () => {
      const { cb, claim } = await claimedWithLegs();
      const d = t.store.dialer;
      expect(await d.moveCallback(cb.callbackId, { round: claim.round, status: 'dialing' }, { to: 'connected' }, T0 + 1)).toMatchObject({ status: 'connected', connectedAt: T0 + 1, lastError: null });
      expect(await d.moveCallback(cb.callbackId, { round: claim.round, status: 'connected' }, { to: 'completed' }, T0 + 2)).toMatchObject({ status: 'completed', connectedAt: T0 + 1 });
      const other = await addCallback(t.store, cb.customerId, 2);
      const second = (await d.claimNext('worker', T0, LEASE))!;
      expect(second.callback.callbackId).toBe(other.callbackId);
      const failed = { to: 'failed' as const, attempts: 3, lastError: 'customer busy (try 3 of 3)' };
      expect(await d.moveCallback(other.callbackId, { round: second.round, status: 'dialing' }, failed, T0 + 3)).toMatchObject({ status: 'failed', attempts: 3, nextAttemptAt: null, lastError: failed.lastError });
    });

    it("records an agent's accept of the round once: the same leg again keeps it, another leg or round is refused", async () => {
      const { cb, claim, legs } = await claimedWithLegs(2);
      const [ann, ben] = [legs[0]!, legs[1]!];
      const d = t.store.dialer;
      expect(await d.recordAccept(cb.callbackId, claim.round + 1, ann.legId, ann.agentId, T0 + LEASE, T0 + 1)).toBeUndefined();
      expect(await d.recordAccept(cb.callbackId, claim.round, ann.legId, ann.agentId, T0 + 10 * MINUTE, T0 + 1)).toMatchObject({ callbackId: cb.callbackId, status: 'dialing' });
      expect(await d.callbackForUpdate(cb.callbackId)).toMatchObject({ acceptedLegId: ann.legId });
      expect(await d.recordAccept(cb.callbackId, claim.round, ben.legId, ben.agentId, T0 + LEASE, T0 + 2)).toBeUndefined();
      expect(await d.recordAccept(cb.callbackId, claim.round, ann.legId, ann.agentId, T0 + LEASE, T0 + 3)).toBeDefined();
      // The accept kept the lease to its end: the round's live legs are not taken for a dead worker's.
      expect(await d.liveLegsOfExpiredLeases(T0 + LEASE + 1)).toEqual([]);
    });

    it("confirms a customer's leg once, keeping the first key press", async () => {
      const { cb, claim } = await claimedWithLegs();
      const d = t.store.dialer;
      const customer = await d.addLeg(cb.callbackId, claim.round, 'customer', null, T0 + 1);
      expect(await d.confirmLeg(customer.legId, T0 + 2)).toMatchObject({ confirmedAt: T0 + 2 });
      expect(await d.confirmLeg(customer.legId, T0 + 3)).toMatchObject({ confirmedAt: T0 + 2, updatedAt: T0 + 3 });
      expect(await d.confirmLeg(404, T0 + 3)).toBeUndefined();
    });

    it('of two agents accepting one round at the same time on two instances, exactly one is recorded', async () => {
      const other = await t.another();
      const { cb, claim, legs } = await claimedWithLegs(2);
      const answers = await Promise.all(
        [t.store, other].map((store, i) => store.dialer.recordAccept(cb.callbackId, claim.round, legs[i]!.legId, legs[i]!.agentId, T0 + LEASE, T0 + 1)),
      );
      expect(winners(answers)).toBe(1);
    });

    it('units of work that read a callback for update run one after the other, on two instances', async () => {
      const other = await t.another();
      const { cb, claim } = await claimedWithLegs();
      // Each adds the round's customer leg unless it finds one: read-then-write, safe only under the lock.
      const added = await Promise.all(
        [t.store, other].map((store) =>
          store.unitOfWork(async (tx) => {
            await tx.dialer.callbackForUpdate(cb.callbackId);
            if ((await tx.dialer.roundLegs(cb.callbackId, claim.round)).some((l) => l.kind === 'customer')) return false;
            await tx.dialer.addLeg(cb.callbackId, claim.round, 'customer', null, T0 + 1);
            return true;
          }),
        ),
      );
      expect(winners(added)).toBe(1);
      expect((await t.store.dialer.roundLegs(cb.callbackId, claim.round)).filter((l) => l.kind === 'customer')).toHaveLength(1);
    });
  });
}
