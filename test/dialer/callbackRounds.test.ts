/*
 * A callback's dial rounds (src/domain/callbackRounds.ts) as units of work over a real store, SQLite and PostgreSQL:
 * who is rung, what each leg's news does to the callback, whose accept wins, and the races between
 * two instances of the service on one database.
 */
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import type { DialPolicy } from '../../src/domain/callbackLegs.js';
import { callbackRounds, type CallbackRounds } from '../../src/domain/callbackRounds.js';
import type { ClaimedCallback } from '../../src/domain/storage/callbackDialer.js';
import type { Store } from '../../src/domain/storage/index.js';
import { addAgent, addCallback, addCustomer, HOUR, MINUTE, OFFER_HOLD_MS, SECOND, sid, T0, useStore } from '../storage/contracts/fixtures.js';
import { sqliteSubject } from '../storage/sqlite/subject.js';
import { postgresSubject } from '../storage/postgres/subject.js';
import type { StoreSubject } from '../storage/subject.js';
import { describePostgres } from '../support/postgres.js';

const POLICY: DialPolicy = { maxTries: 2, retrySpacingMs: 5 * MINUTE, agentPauseMs: 30 * SECOND };
const LEASE = 2 * MINUTE;
/** The CallSid Twilio gives a leg, made from its id. */
const legSid = (legId: number) => sid(1_000_000 + legId);

dialRounds('SQLite', sqliteSubject());
describePostgres("a callback's dial rounds (PostgreSQL)", (url) => dialRounds('PostgreSQL', postgresSubject(url)));

function dialRounds(engine: string, subject: StoreSubject) {
  describe(`a callback's dial rounds (${engine})`, () => {
    afterAll(() => subject.dispose());
    const t = useStore(subject);
    let rounds: CallbackRounds;
    // After useStore's: the store of the running test.
    beforeEach(() => {
      rounds = callbackRounds(t.store);
    });


    /** Rings the agents for a claimed callback and records their calls placed; returns the legs. */
    async function ring(claim: ClaimedCallback, agentIds: number[], now: number, owner = 'worker', store: Store = t.store) {
      const legs = await callbackRounds(store).requestAgentLegs(claim.callback.callbackId, claim.round, owner, agentIds, now);
      if (!legs) throw new Error(`${owner} does not hold the round`);
      for (const leg of legs) await store.dialer.recordCallPlaced(leg.legId, legSid(leg.legId), now, now + LEASE);
      return legs;
    }

    /** One round up to the customer's phone ringing: claimed, `agentId` rung and accepting, the customer's leg placed. */
    async function customerRinging(agentId: number, now: number) {
      const claim = (await t.store.dialer.claimNext('worker', now, LEASE))!;
      const [agentLeg] = await ring(claim, [agentId], now);
      const accepted = await rounds.accept(agentLeg!.legId, now + 1, now + LEASE);
      if (accepted.result !== 'won') throw new Error('the only agent rung did not win');
      await t.store.dialer.recordCallPlaced(accepted.customerLegId, legSid(accepted.customerLegId), now + 2, now + LEASE);
      return { claim, agentLeg: agentLeg!, customerLegId: accepted.customerLegId };
    }

    it('rings the free agents only, reserving them, and records their legs about to be placed', async () => {
      const c = await addCustomer(t.store);
      const cb = await addCallback(t.store, c, 1);
      const free = await addAgent(t.store, 'Free');
      const off = await addAgent(t.store, 'Off', { onDuty: false });
      const busy = await addAgent(t.store, 'Busy');
      const held = await addAgent(t.store, 'Held');
      await t.store.agents.markOnCall(busy.agentId, sid(9), { at: T0 });
      await t.store.agents.markOffered(held.agentId, T0, `CA${'9'.repeat(32)}`);
      const claim = (await t.store.dialer.claimNext('worker', T0, LEASE))!;
      const legs = await rounds.requestAgentLegs(cb.callbackId, claim.round, 'worker', [free, off, busy, held].map((a) => a.agentId), T0 + 1);
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
      expect(await rounds.requestAgentLegs(cb.callbackId, claim.round, 'another-worker', [ann.agentId], T0)).toBeUndefined();
      expect(await rounds.requestAgentLegs(cb.callbackId, claim.round + 1, 'worker', [ann.agentId], T0)).toBeUndefined();
      expect((await t.store.agents.get(ann.agentId))?.lastOfferedAt).toBeNull();
      expect(await rounds.requestAgentLegs(cb.callbackId, claim.round, 'worker', [], T0)).toEqual([]);
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
      expect(await rounds.requestAgentLegs(second.callback.callbackId, second.round, 'worker-2', [ann.agentId], afterHold)).toEqual([]);
      await rounds.applyLegNews({ legId: leg!.legId, callSid: legSid(leg!.legId), status: 'no-answer' }, afterHold, POLICY);
      expect(await rounds.requestAgentLegs(second.callback.callbackId, second.round, 'worker-2', [ann.agentId], afterHold + 1)).toHaveLength(1);
    });

    it('applies news about a leg once, never moving its status back; news of another call or no leg is unknown', async () => {
      const c = await addCustomer(t.store);
      await addCallback(t.store, c, 1);
      const ann = await addAgent(t.store, 'Ann');
      const claim = (await t.store.dialer.claimNext('worker', T0, LEASE))!;
      const [leg] = await ring(claim, [ann.agentId], T0);
      const news = { legId: leg!.legId, callSid: legSid(leg!.legId), status: 'ringing' as const, sequenceNumber: 2 };
      const applied = await rounds.applyLegNews(news, T0 + 1, POLICY);
      expect(applied).toMatchObject({ duplicate: false, unknown: false, leg: { status: 'ringing', sequenceNumber: 2 }, callback: { status: 'dialing' } });
      expect(applied.change).toBeUndefined();
      expect(await rounds.applyLegNews(news, T0 + 2, POLICY)).toMatchObject({ duplicate: true, unknown: false });
      await rounds.applyLegNews({ ...news, status: 'initiated', sequenceNumber: 1 }, T0 + 3, POLICY);
      expect(await t.store.dialer.leg(leg!.legId)).toMatchObject({ status: 'ringing', sequenceNumber: 2 });
      expect(await rounds.applyLegNews({ ...news, callSid: sid(99) }, T0 + 4, POLICY)).toEqual({ duplicate: false, unknown: true });
      expect(await rounds.applyLegNews({ ...news, legId: 404 }, T0 + 4, POLICY)).toEqual({ duplicate: false, unknown: true });
    });

    it('gives the callback back for the next round when the last agent rung ends without accepting', async () => {
      const c = await addCustomer(t.store);
      const cb = await addCallback(t.store, c, 1);
      const [ann, ben] = [await addAgent(t.store, 'Ann'), await addAgent(t.store, 'Ben')];
      const claim = (await t.store.dialer.claimNext('worker', T0, LEASE))!;
      const [annLeg, benLeg] = await ring(claim, [ann.agentId, ben.agentId], T0);
      const first = await rounds.applyLegNews({ legId: annLeg!.legId, callSid: legSid(annLeg!.legId), status: 'no-answer' }, T0 + 1, POLICY);
      expect(first.callback).toMatchObject({ status: 'dialing' });
      const last = await rounds.applyLegNews({ legId: benLeg!.legId, callSid: legSid(benLeg!.legId), status: 'busy', error: 'busy' }, T0 + 2, POLICY);
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
      expect(await rounds.standing(annLeg!.legId)).toMatchObject({ verdict: 'won', leg: { legId: annLeg!.legId } });
      const won = await rounds.accept(annLeg!.legId, T0 + 1, T0 + LEASE);
      expect(won).toMatchObject({ result: 'won', callback: { callbackId: cb.callbackId, status: 'dialing' }, leg: { legId: annLeg!.legId } });
      const customerLegId = won.result === 'won' ? won.customerLegId : -1;
      expect(await t.store.dialer.leg(customerLegId)).toMatchObject({ kind: 'customer', round: 1, agentId: null, status: 'requested', callSid: null });
      expect(await rounds.standing(annLeg!.legId)).toMatchObject({ verdict: 'already' });
      expect(await rounds.standing(benLeg!.legId)).toMatchObject({ verdict: 'lost' });
      expect(await rounds.accept(benLeg!.legId, T0 + 2, T0 + LEASE)).toMatchObject({ result: 'lost', callback: { callbackId: cb.callbackId } });
      expect(await rounds.accept(annLeg!.legId, T0 + 3, T0 + LEASE)).toMatchObject({ result: 'won', customerLegId });
      expect((await t.store.dialer.legs(cb.callbackId)).filter((l) => l.kind === 'customer')).toHaveLength(1);
      expect(await rounds.accept(customerLegId, T0 + 4, T0 + LEASE)).toMatchObject({ result: 'lost' });
      expect(await rounds.accept(404, T0 + 4, T0 + LEASE)).toEqual({ result: 'lost', callback: undefined });
      expect(await rounds.standing(404)).toBeUndefined();
    });

    it('of two agents accepting at the same time on two instances, exactly one wins', async () => {
      const other = await t.another();
      const c = await addCustomer(t.store);
      const cb = await addCallback(t.store, c, 1);
      const [ann, ben] = [await addAgent(t.store, 'Ann'), await addAgent(t.store, 'Ben')];
      const claim = (await t.store.dialer.claimNext('worker', T0, LEASE))!;
      const [annLeg, benLeg] = await ring(claim, [ann.agentId, ben.agentId], T0);
      const answers = await Promise.all([rounds.accept(annLeg!.legId, T0 + 1, T0 + LEASE), callbackRounds(other).accept(benLeg!.legId, T0 + 1, T0 + LEASE)]);
      expect(answers.filter((a) => a.result === 'won')).toHaveLength(1);
      expect((await t.store.dialer.legs(cb.callbackId)).filter((l) => l.kind === 'customer')).toHaveLength(1);
    });

    it('connects the callback when the customer presses a key, and completes it when their leg ends', async () => {
      const c = await addCustomer(t.store);
      const cb = await addCallback(t.store, c, 1);
      const ann = await addAgent(t.store, 'Ann');
      const { customerLegId, agentLeg } = await customerRinging(ann.agentId, T0);
      const confirmed = await rounds.confirmCustomer(customerLegId, T0 + 3);
      expect(confirmed).toMatchObject({ callback: { status: 'connected', connectedAt: T0 + 3 }, leg: { legId: customerLegId, confirmedAt: T0 + 3 }, change: { to: 'connected' } });
      const again = await rounds.confirmCustomer(customerLegId, T0 + 4);
      expect(again).toMatchObject({ callback: { status: 'connected', connectedAt: T0 + 3 }, leg: { confirmedAt: T0 + 3 } });
      expect(again?.change).toBeUndefined();
      const ended = await rounds.applyLegNews({ legId: customerLegId, callSid: legSid(customerLegId), status: 'completed' }, T0 + 5, POLICY);
      expect(ended.change).toEqual({ to: 'completed' });
      expect(await t.store.callbacks.get(cb.callbackId)).toMatchObject({ status: 'completed', connectedAt: T0 + 3, attempts: 0 });
      expect(await rounds.confirmCustomer(agentLeg.legId, T0 + 6)).toBeUndefined();
      expect(await rounds.confirmCustomer(404, T0 + 6)).toBeUndefined();
    });

    it("counts a customer leg that ends unconfirmed as a try, and fails the callback after the policy's last", async () => {
      const c = await addCustomer(t.store);
      const cb = await addCallback(t.store, c, 1);
      const ann = await addAgent(t.store, 'Ann');
      const first = await customerRinging(ann.agentId, T0);
      const noAnswer = await rounds.applyLegNews({ legId: first.customerLegId, callSid: legSid(first.customerLegId), status: 'no-answer' }, T0 + 3, POLICY);
      expect(noAnswer.change).toMatchObject({ to: 'pending', attempts: 1, nextAttemptAt: T0 + 3 + POLICY.retrySpacingMs });
      expect(await t.store.callbacks.get(cb.callbackId)).toMatchObject({ status: 'pending', attempts: 1, nextAttemptAt: T0 + 3 + POLICY.retrySpacingMs });
      await rounds.applyLegNews({ legId: first.agentLeg.legId, callSid: legSid(first.agentLeg.legId), status: 'completed' }, T0 + 4, POLICY);

      const retry = T0 + 3 + POLICY.retrySpacingMs;
      const second = await customerRinging(ann.agentId, retry);
      expect(second.claim.round).toBe(2);
      // Answered, but no key pressed: a voicemail.
      const voicemail = await rounds.applyLegNews({ legId: second.customerLegId, callSid: legSid(second.customerLegId), status: 'completed' }, retry + 3, POLICY);
      expect(voicemail.change).toMatchObject({ to: 'failed', attempts: 2 });
      expect(await t.store.callbacks.get(cb.callbackId)).toMatchObject({ status: 'failed', attempts: 2, connectedAt: null });
      expect(await t.store.dialer.claimNext('worker', retry + HOUR, LEASE)).toBeUndefined();
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
        rounds.requestAgentLegs(first.callback.callbackId, first.round, 'worker-1', [ann.agentId], T0),
        callbackRounds(other).requestAgentLegs(second.callback.callbackId, second.round, 'worker-2', [ann.agentId], T0),
      ]);
      expect(legs.flatMap((l) => l ?? [])).toHaveLength(1);
    });
  });
}
