import { describe, expect, it } from 'vitest';
import type { DialPolicy } from '../../../src/domain/callbackLegs.js';
import type { ClaimedCallback } from '../../../src/domain/storage/callbackDialer.js';
import type { Store } from '../../../src/domain/storage/index.js';
import type { StoreSubject } from '../subject.js';
import { addAgent, addCallback, addCustomer, callRecord, HOUR, MINUTE, OFFER_HOLD_MS, SECOND, sid, T0, useStore, winners } from './fixtures.js';

const POLICY: DialPolicy = { maxTries: 2, retrySpacingMs: 5 * MINUTE, agentPauseMs: 30 * SECOND };
const LEASE = 2 * MINUTE;
/** The CallSid Twilio gives a leg, made from its id. */
const legSid = (legId: number) => sid(1_000_000 + legId);

export function callbackDialerRepositoryContract(subject: StoreSubject): void {
  describe('CallbackDialerRepository', () => {
    const t = useStore(subject);
    const claimedIds = (claims: Array<ClaimedCallback | undefined>) => claims.map((c) => c?.callback.callbackId);

    /** Rings the agents for a claimed callback and records their calls placed; returns the legs. */
    async function ring(claim: ClaimedCallback, agentIds: number[], now: number, owner = 'worker', store: Store = t.store) {
      const legs = await store.dialer.requestAgentLegs(claim.callback.callbackId, claim.round, owner, agentIds, now);
      if (!legs) throw new Error(`${owner} does not hold the round`);
      for (const leg of legs) await store.dialer.recordCallPlaced(leg.legId, legSid(leg.legId), now, now + LEASE);
      return legs;
    }

    /** One round up to the customer's phone ringing: claimed, `agentId` rung and accepting, the customer's leg placed. */
    async function customerRinging(agentId: number, now: number) {
      const claim = (await t.store.dialer.claimNext('worker', now, LEASE))!;
      const [agentLeg] = await ring(claim, [agentId], now);
      const accepted = await t.store.dialer.accept(agentLeg!.legId, now + 1, now + LEASE);
      if (accepted.result !== 'won') throw new Error('the only agent rung did not win');
      await t.store.dialer.recordCallPlaced(accepted.customerLegId, legSid(accepted.customerLegId), now + 2, now + LEASE);
      return { claim, agentLeg: agentLeg!, customerLegId: accepted.customerLegId };
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
      const [leg] = (await t.store.dialer.requestAgentLegs(cb.callbackId, first.round, 'worker-1', [ann.agentId], T0))!;
      expect(await t.store.dialer.agentsBeingRung(T0 + 1)).toEqual([ann.agentId]);
      const second = await t.store.dialer.claimNext('worker-2', T0 + LEASE + 1, LEASE);
      expect(second).toMatchObject({ callback: { callbackId: cb.callbackId, status: 'dialing' }, round: 2, abandonedLegs: 1, takenOver: true });
      expect(await t.store.dialer.leg(leg!.legId)).toMatchObject({ status: 'abandoned', round: 1 });
      expect(await t.store.dialer.agentsBeingRung(T0 + LEASE + 1)).toEqual([]);
      // The first worker no longer holds the callback.
      expect(await t.store.dialer.requestAgentLegs(cb.callbackId, first.round, 'worker-1', [ann.agentId], T0 + LEASE + 2)).toBeUndefined();
    });

    it('does not take over a callback whose calls are live, and lists those legs once the lease expired', async () => {
      const c = await addCustomer(t.store);
      await addCallback(t.store, c, 1);
      const ann = await addAgent(t.store, 'Ann');
      const claim = (await t.store.dialer.claimNext('worker-1', T0, LEASE))!;
      const [leg] = await ring(claim, [ann.agentId], T0, 'worker-1');
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

    it('rings the free agents only, reserving them, and records their legs about to be placed', async () => {
      const c = await addCustomer(t.store);
      const cb = await addCallback(t.store, c, 1);
      const free = await addAgent(t.store, 'Free');
      const off = await addAgent(t.store, 'Off', { onDuty: false });
      const busy = await addAgent(t.store, 'Busy');
      const held = await addAgent(t.store, 'Held');
      await t.store.agents.markOnCall(busy.agentId, sid(9), { at: T0 });
      await t.store.agents.markOffered(held.agentId, T0);
      const claim = (await t.store.dialer.claimNext('worker', T0, LEASE))!;
      const legs = await t.store.dialer.requestAgentLegs(cb.callbackId, claim.round, 'worker', [free, off, busy, held].map((a) => a.agentId), T0 + 1);
      expect(legs).toEqual([
        {
          legId: expect.any(Number),
          callbackId: cb.callbackId,
          round: 1,
          kind: 'agent',
          agentId: free.agentId,
          callSid: null,
          status: 'requested',
          sequenceNumber: null,
          error: null,
          confirmedAt: null,
          createdAt: T0 + 1,
          updatedAt: T0 + 1,
        },
      ]);
      expect((await t.store.agents.get(free.agentId))?.lastOfferedAt).toBe(T0 + 1);
      expect(await t.store.dialer.legs(cb.callbackId)).toEqual(legs);
      expect(await t.store.dialer.leg(legs![0]!.legId)).toEqual(legs![0]);
      expect(await t.store.dialer.agentsBeingRung(T0 + 1)).toEqual([free.agentId]);
      expect(await t.store.dialer.leg(404)).toBeUndefined();
    });

    it('rings no one for a worker that does not hold the round', async () => {
      const c = await addCustomer(t.store);
      const cb = await addCallback(t.store, c, 1);
      const ann = await addAgent(t.store, 'Ann');
      const claim = (await t.store.dialer.claimNext('worker', T0, LEASE))!;
      expect(await t.store.dialer.requestAgentLegs(cb.callbackId, claim.round, 'another-worker', [ann.agentId], T0)).toBeUndefined();
      expect(await t.store.dialer.requestAgentLegs(cb.callbackId, claim.round + 1, 'worker', [ann.agentId], T0)).toBeUndefined();
      expect((await t.store.agents.get(ann.agentId))?.lastOfferedAt).toBeNull();
      expect(await t.store.dialer.requestAgentLegs(cb.callbackId, claim.round, 'worker', [], T0)).toEqual([]);
    });

    it('never rings an agent for two callbacks at once, even after the hold', async () => {
      const c = await addCustomer(t.store);
      await addCallback(t.store, c, 1);
      await addCallback(t.store, c, 2);
      const ann = await addAgent(t.store, 'Ann');
      const first = (await t.store.dialer.claimNext('worker-1', T0, LEASE))!;
      const second = (await t.store.dialer.claimNext('worker-2', T0, LEASE))!;
      const [leg] = await ring(first, [ann.agentId], T0, 'worker-1');
      const afterHold = T0 + OFFER_HOLD_MS + 1;
      expect(await t.store.dialer.requestAgentLegs(second.callback.callbackId, second.round, 'worker-2', [ann.agentId], afterHold)).toEqual([]);
      await t.store.dialer.applyLegNews({ legId: leg!.legId, callSid: legSid(leg!.legId), status: 'no-answer' }, afterHold, POLICY);
      expect(await t.store.dialer.requestAgentLegs(second.callback.callbackId, second.round, 'worker-2', [ann.agentId], afterHold + 1)).toHaveLength(1);
    });

    it('records a placed call: its CallSid, and the leg queued', async () => {
      const c = await addCustomer(t.store);
      await addCallback(t.store, c, 1);
      const ann = await addAgent(t.store, 'Ann');
      const claim = (await t.store.dialer.claimNext('worker', T0, LEASE))!;
      const [leg] = (await t.store.dialer.requestAgentLegs(claim.callback.callbackId, claim.round, 'worker', [ann.agentId], T0))!;
      await t.store.dialer.recordCallPlaced(leg!.legId, sid(7), T0 + 1, T0 + LEASE);
      expect(await t.store.dialer.leg(leg!.legId)).toMatchObject({ callSid: sid(7), status: 'queued', updatedAt: T0 + 1 });
    });

    it('applies news about a leg once, never moving its status back; news of another call or no leg is unknown', async () => {
      const c = await addCustomer(t.store);
      await addCallback(t.store, c, 1);
      const ann = await addAgent(t.store, 'Ann');
      const claim = (await t.store.dialer.claimNext('worker', T0, LEASE))!;
      const [leg] = await ring(claim, [ann.agentId], T0);
      const news = { legId: leg!.legId, callSid: legSid(leg!.legId), status: 'ringing' as const, sequenceNumber: 2 };
      const applied = await t.store.dialer.applyLegNews(news, T0 + 1, POLICY);
      expect(applied).toMatchObject({ duplicate: false, unknown: false, leg: { status: 'ringing', sequenceNumber: 2 }, callback: { status: 'dialing' } });
      expect(applied.change).toBeUndefined();
      expect(await t.store.dialer.applyLegNews(news, T0 + 2, POLICY)).toMatchObject({ duplicate: true, unknown: false });
      await t.store.dialer.applyLegNews({ ...news, status: 'initiated', sequenceNumber: 1 }, T0 + 3, POLICY);
      expect(await t.store.dialer.leg(leg!.legId)).toMatchObject({ status: 'ringing', sequenceNumber: 2 });
      expect(await t.store.dialer.applyLegNews({ ...news, callSid: sid(99) }, T0 + 4, POLICY)).toEqual({ duplicate: false, unknown: true });
      expect(await t.store.dialer.applyLegNews({ ...news, legId: 404 }, T0 + 4, POLICY)).toEqual({ duplicate: false, unknown: true });
    });

    it('gives the callback back for the next round when the last agent rung ends without accepting', async () => {
      const c = await addCustomer(t.store);
      const cb = await addCallback(t.store, c, 1);
      const [ann, ben] = [await addAgent(t.store, 'Ann'), await addAgent(t.store, 'Ben')];
      const claim = (await t.store.dialer.claimNext('worker', T0, LEASE))!;
      const [annLeg, benLeg] = await ring(claim, [ann.agentId, ben.agentId], T0);
      const first = await t.store.dialer.applyLegNews({ legId: annLeg!.legId, callSid: legSid(annLeg!.legId), status: 'no-answer' }, T0 + 1, POLICY);
      expect(first.callback).toMatchObject({ status: 'dialing' });
      const last = await t.store.dialer.applyLegNews({ legId: benLeg!.legId, callSid: legSid(benLeg!.legId), status: 'busy', error: 'busy' }, T0 + 2, POLICY);
      expect(last.change).toMatchObject({ to: 'pending', attempts: 0, nextAttemptAt: T0 + 2 + POLICY.agentPauseMs, lastError: expect.any(String) });
      const { lastError } = last.change as { lastError: string };
      expect(await t.store.callbacks.get(cb.callbackId)).toMatchObject({ status: 'pending', attempts: 0, nextAttemptAt: T0 + 2 + POLICY.agentPauseMs, lastError });
      expect(await t.store.dialer.agentsBeingRung(T0 + 2)).toEqual([]);
      expect(await t.store.dialer.claimNext('worker', T0 + 3, LEASE)).toBeUndefined();
      expect(await t.store.dialer.claimNext('worker', T0 + 2 + POLICY.agentPauseMs, LEASE)).toMatchObject({ round: 2, takenOver: false });
    });

    it('the first agent to accept wins the round and a customer leg is recorded once; the others lose', async () => {
      const c = await addCustomer(t.store);
      const cb = await addCallback(t.store, c, 1);
      const [ann, ben] = [await addAgent(t.store, 'Ann'), await addAgent(t.store, 'Ben')];
      const claim = (await t.store.dialer.claimNext('worker', T0, LEASE))!;
      const [annLeg, benLeg] = await ring(claim, [ann.agentId, ben.agentId], T0);
      expect(await t.store.dialer.standing(annLeg!.legId)).toMatchObject({ verdict: 'won', leg: { legId: annLeg!.legId } });
      const won = await t.store.dialer.accept(annLeg!.legId, T0 + 1, T0 + LEASE);
      expect(won).toMatchObject({ result: 'won', callback: { callbackId: cb.callbackId, status: 'dialing' }, leg: { legId: annLeg!.legId } });
      const customerLegId = won.result === 'won' ? won.customerLegId : -1;
      expect(await t.store.dialer.leg(customerLegId)).toMatchObject({ kind: 'customer', round: 1, agentId: null, status: 'requested', callSid: null });
      expect(await t.store.dialer.standing(annLeg!.legId)).toMatchObject({ verdict: 'already' });
      expect(await t.store.dialer.standing(benLeg!.legId)).toMatchObject({ verdict: 'lost' });
      expect(await t.store.dialer.accept(benLeg!.legId, T0 + 2, T0 + LEASE)).toMatchObject({ result: 'lost', callback: { callbackId: cb.callbackId } });
      expect(await t.store.dialer.accept(annLeg!.legId, T0 + 3, T0 + LEASE)).toMatchObject({ result: 'won', customerLegId });
      expect((await t.store.dialer.legs(cb.callbackId)).filter((l) => l.kind === 'customer')).toHaveLength(1);
      expect(await t.store.dialer.accept(customerLegId, T0 + 4, T0 + LEASE)).toMatchObject({ result: 'lost' });
      expect(await t.store.dialer.accept(404, T0 + 4, T0 + LEASE)).toEqual({ result: 'lost', callback: undefined });
      expect(await t.store.dialer.standing(404)).toBeUndefined();
    });

    it('of two agents accepting at the same time on two instances, exactly one wins', async () => {
      const other = await t.another();
      const c = await addCustomer(t.store);
      const cb = await addCallback(t.store, c, 1);
      const [ann, ben] = [await addAgent(t.store, 'Ann'), await addAgent(t.store, 'Ben')];
      const claim = (await t.store.dialer.claimNext('worker', T0, LEASE))!;
      const [annLeg, benLeg] = await ring(claim, [ann.agentId, ben.agentId], T0);
      const answers = await Promise.all([t.store.dialer.accept(annLeg!.legId, T0 + 1, T0 + LEASE), other.dialer.accept(benLeg!.legId, T0 + 1, T0 + LEASE)]);
      expect(answers.filter((a) => a.result === 'won')).toHaveLength(1);
      expect((await t.store.dialer.legs(cb.callbackId)).filter((l) => l.kind === 'customer')).toHaveLength(1);
    });

    it('connects the callback when the customer presses a key, and completes it when their leg ends', async () => {
      const c = await addCustomer(t.store);
      const cb = await addCallback(t.store, c, 1);
      const ann = await addAgent(t.store, 'Ann');
      const { customerLegId, agentLeg } = await customerRinging(ann.agentId, T0);
      const confirmed = await t.store.dialer.confirmCustomer(customerLegId, T0 + 3);
      expect(confirmed).toMatchObject({ callback: { status: 'connected', connectedAt: T0 + 3 }, leg: { legId: customerLegId, confirmedAt: T0 + 3 }, change: { to: 'connected' } });
      const again = await t.store.dialer.confirmCustomer(customerLegId, T0 + 4);
      expect(again).toMatchObject({ callback: { status: 'connected', connectedAt: T0 + 3 }, leg: { confirmedAt: T0 + 3 } });
      expect(again?.change).toBeUndefined();
      const ended = await t.store.dialer.applyLegNews({ legId: customerLegId, callSid: legSid(customerLegId), status: 'completed' }, T0 + 5, POLICY);
      expect(ended.change).toEqual({ to: 'completed' });
      expect(await t.store.callbacks.get(cb.callbackId)).toMatchObject({ status: 'completed', connectedAt: T0 + 3, attempts: 0 });
      expect(await t.store.dialer.confirmCustomer(agentLeg.legId, T0 + 6)).toBeUndefined();
      expect(await t.store.dialer.confirmCustomer(404, T0 + 6)).toBeUndefined();
    });

    it("counts a customer leg that ends unconfirmed as a try, and fails the callback after the policy's last", async () => {
      const c = await addCustomer(t.store);
      const cb = await addCallback(t.store, c, 1);
      const ann = await addAgent(t.store, 'Ann');
      const first = await customerRinging(ann.agentId, T0);
      const noAnswer = await t.store.dialer.applyLegNews({ legId: first.customerLegId, callSid: legSid(first.customerLegId), status: 'no-answer' }, T0 + 3, POLICY);
      expect(noAnswer.change).toMatchObject({ to: 'pending', attempts: 1, nextAttemptAt: T0 + 3 + POLICY.retrySpacingMs });
      expect(await t.store.callbacks.get(cb.callbackId)).toMatchObject({ status: 'pending', attempts: 1, nextAttemptAt: T0 + 3 + POLICY.retrySpacingMs });
      await t.store.dialer.applyLegNews({ legId: first.agentLeg.legId, callSid: legSid(first.agentLeg.legId), status: 'completed' }, T0 + 4, POLICY);

      const retry = T0 + 3 + POLICY.retrySpacingMs;
      const second = await customerRinging(ann.agentId, retry);
      expect(second.claim.round).toBe(2);
      // Answered, but no key pressed: a voicemail.
      const voicemail = await t.store.dialer.applyLegNews({ legId: second.customerLegId, callSid: legSid(second.customerLegId), status: 'completed' }, retry + 3, POLICY);
      expect(voicemail.change).toMatchObject({ to: 'failed', attempts: 2 });
      expect(await t.store.callbacks.get(cb.callbackId)).toMatchObject({ status: 'failed', attempts: 2, connectedAt: null });
      expect(await t.store.dialer.claimNext('worker', retry + HOUR, LEASE)).toBeUndefined();
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

    it('of two workers ringing one agent at the same time for two callbacks, only one rings them', async () => {
      const other = await t.another();
      const c = await addCustomer(t.store);
      await addCallback(t.store, c, 1);
      await addCallback(t.store, c, 2);
      const ann = await addAgent(t.store, 'Ann');
      const first = (await t.store.dialer.claimNext('worker-1', T0, LEASE))!;
      const second = (await other.dialer.claimNext('worker-2', T0, LEASE))!;
      const legs = await Promise.all([
        t.store.dialer.requestAgentLegs(first.callback.callbackId, first.round, 'worker-1', [ann.agentId], T0),
        other.dialer.requestAgentLegs(second.callback.callbackId, second.round, 'worker-2', [ann.agentId], T0),
      ]);
      expect(legs.flatMap((l) => l ?? [])).toHaveLength(1);
    });
  });
}
