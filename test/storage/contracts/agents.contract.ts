import { describe, expect, it } from 'vitest';
import type { Roster } from '../../../src/domain/roster.js';
import type { Agent } from '../../../src/domain/storage/agents.js';
import type { StoreSubject } from '../subject.js';
import { addAgent, addCallback, addCustomer, HOUR, MINUTE, OFFER_HOLD_MS, sid, T0, useStore, winners } from './fixtures.js';

/** The P1 call the offers in these tests are for. */
const OFFERED_CALL = sid(9_000);

/** Wednesdays 09:00 to 17:00 UTC: T0 (Wednesday 10:00) is inside, T0 + 8 hours is not. */
const WEDNESDAY_DAYS: Roster = { timeZone: 'UTC', rules: [{ days: ['wed'], start: '09:00', end: '17:00' }] };
const ids = (agents: Agent[]) => agents.map((a) => a.agentId);

export function agentRepositoryContract(subject: StoreSubject): void {
  describe('AgentRepository', () => {
    const t = useStore(subject);

    it('creates an agent: on duty from the switch is available, admin as asked', async () => {
      const created = await t.store.agents.create({ name: 'Aiko', phone: '+815012345678', languages: ['ja-JP', 'en-US'], onDuty: true, isAdmin: true }, T0);
      expect(created).toEqual({
        agentId: expect.any(Number),
        name: 'Aiko',
        phone: '+815012345678',
        languages: ['ja-JP', 'en-US'],
        onDuty: true,
        duty: 'on',
        roster: null,
        state: 'available',
        onCall: null,
        isAdmin: true,
        consoleLanguage: null,
        lastOfferedAt: null,
        offeredFor: null,
        createdAt: T0,
        updatedAt: T0,
        removedAt: null,
      });
      expect(await t.store.agents.get(created.agentId)).toEqual(created);
    });

    it('creates an agent off duty unless told otherwise, and takes `duty` over the switch', async () => {
      const plain = await t.store.agents.create({ name: 'Ben', phone: '+15550199001', languages: ['en-US'] }, T0);
      expect(plain).toMatchObject({ duty: 'off', onDuty: false, state: 'off-duty', isAdmin: false });
      expect(await addAgent(t.store, 'Cleo', { onDuty: true, duty: 'off' })).toMatchObject({ duty: 'off', onDuty: false });
      // On the roster with no roster set: never on duty.
      expect(await addAgent(t.store, 'Dev', { onDuty: true, duty: 'roster' })).toMatchObject({ duty: 'roster', onDuty: false, state: 'off-duty' });
    });

    it('finds nothing for an unknown agent', async () => {
      const a = t.store.agents;
      expect(await a.get(404)).toBeUndefined();
      expect(await a.update(404, { name: 'Nobody' }, T0)).toBeUndefined();
      expect(await a.setRoster(404, WEDNESDAY_DAYS, T0)).toBeUndefined();
      expect(await a.release(404, T0)).toBeUndefined();
      expect(await a.remove(404, T0)).toBeUndefined();
      expect(await a.markOnCall(404, sid(1))).toBe(false);
      expect(await a.reserve(404, T0, OFFERED_CALL)).toBe(false);
    });

    it('updates the fields a patch names and leaves the others', async () => {
      const aiko = await addAgent(t.store, 'Aiko', { languages: ['ja-JP'], isAdmin: true });
      const updated = await t.store.agents.update(aiko.agentId, { name: 'Aiko T.', onDuty: false }, T0 + 5);
      expect(updated).toEqual({ ...aiko, name: 'Aiko T.', duty: 'off', onDuty: false, state: 'off-duty', updatedAt: T0 + 5 });
      expect(await t.store.agents.get(aiko.agentId)).toEqual(updated);
      expect(await t.store.agents.update(aiko.agentId, { duty: 'on', phone: '+15550199009', languages: ['en-US'], isAdmin: false }, T0 + 6)).toMatchObject({
        duty: 'on',
        phone: '+15550199009',
        languages: ['en-US'],
        isAdmin: false,
      });
    });

    it("keeps the console language an agent chose, and forgets it when told, leaving the rest as it was", async () => {
      const aiko = await addAgent(t.store, 'Aiko', { languages: ['en-US', 'ja-JP'] });
      expect(aiko.consoleLanguage).toBeNull();
      const chose = await t.store.agents.update(aiko.agentId, { consoleLanguage: 'ja' }, T0 + 5);
      expect(chose).toEqual({ ...aiko, consoleLanguage: 'ja', updatedAt: T0 + 5 });
      expect(await t.store.agents.get(aiko.agentId)).toEqual(chose);
      expect((await t.store.agents.list()).find((a) => a.agentId === aiko.agentId)?.consoleLanguage).toBe('ja');
      // Other changes leave the choice alone; null forgets it.
      expect(await t.store.agents.update(aiko.agentId, { name: 'Aiko T.' }, T0 + 6)).toMatchObject({ consoleLanguage: 'ja' });
      expect(await t.store.agents.update(aiko.agentId, { consoleLanguage: null }, T0 + 7)).toMatchObject({ consoleLanguage: null });
    });

    it('lists current agents only; a removed one is still found by id', async () => {
      const [a, b, c] = [await addAgent(t.store, 'A'), await addAgent(t.store, 'B'), await addAgent(t.store, 'C')];
      await t.store.agents.remove(b.agentId, T0 + 1);
      expect(ids(await t.store.agents.list()).sort()).toEqual([a.agentId, c.agentId].sort());
      expect(await t.store.agents.get(b.agentId)).toMatchObject({ name: 'B', removedAt: T0 + 1 });
    });

    it('removes an agent for good: off duty, password and sessions gone, open claims given back, in one step', async () => {
      const leaver = await addAgent(t.store, 'Leaver', { isAdmin: true });
      const colleague = await addAgent(t.store, 'Colleague');
      const hash = Buffer.alloc(32, 1);
      await t.store.credentials.setPassword(leaver.agentId, { hash, salt: Buffer.alloc(16, 2), params: '{}' }, T0);
      const session = { agentId: leaver.agentId, csrfToken: 'csrf', createdAt: T0, lastSeenAt: T0, expiresAt: T0 + HOUR };
      expect(await t.store.sessions.create(Buffer.alloc(32, 3), session, hash)).toBe(true);
      const customer = await addCustomer(t.store);
      const open = await addCallback(t.store, customer, 1);
      const done = await addCallback(t.store, customer, 2);
      const others = await addCallback(t.store, customer, 3);
      await t.store.desk.claim(open.callbackId, leaver.agentId, T0);
      await t.store.desk.claim(done.callbackId, leaver.agentId, T0);
      await t.store.desk.complete(done.callbackId, leaver.agentId, T0);
      await t.store.desk.claim(others.callbackId, colleague.agentId, T0);

      const removed = await t.store.agents.remove(leaver.agentId, T0 + 5);

      expect(removed).toEqual({
        agent: expect.objectContaining({ agentId: leaver.agentId, removedAt: T0 + 5, duty: 'off', onDuty: false, state: 'off-duty' }),
        releasedClaims: 1,
      });
      expect(await t.store.credentials.get(leaver.agentId)).toBeUndefined();
      expect(await t.store.sessions.find(Buffer.alloc(32, 3), T0 + 6)).toBeUndefined();
      expect((await t.store.desk.get(open.callbackId))?.claimedBy).toBeNull();
      expect((await t.store.desk.notes(open.callbackId)).at(-1)).toMatchObject({ kind: 'released', agentId: leaver.agentId });
      expect((await t.store.desk.get(done.callbackId))?.completedBy).toEqual({ agentId: leaver.agentId, name: 'Leaver' });
      expect((await t.store.desk.get(others.callbackId))?.claimedBy).toEqual({ agentId: colleague.agentId, name: 'Colleague' });
    });

    it('changes nothing about a removed agent: removing again, updating, a roster, a password', async () => {
      const leaver = await addAgent(t.store, 'Leaver');
      await t.store.agents.remove(leaver.agentId, T0 + 5);
      expect(await t.store.agents.remove(leaver.agentId, T0 + 9)).toEqual({ agent: expect.objectContaining({ removedAt: T0 + 5 }), releasedClaims: 0 });
      expect(await t.store.agents.update(leaver.agentId, { onDuty: true }, T0 + 9)).toBeUndefined();
      expect(await t.store.agents.setRoster(leaver.agentId, WEDNESDAY_DAYS, T0 + 9)).toBeUndefined();
      expect(await t.store.agents.get(leaver.agentId)).toMatchObject({ duty: 'off', roster: null, removedAt: T0 + 5, updatedAt: T0 + 5 });
      expect(await t.store.agents.reserve(leaver.agentId, T0 + 9, OFFERED_CALL)).toBe(false);
    });

    it('lists agents on duty, longest since their last offer first', async () => {
      const a = await addAgent(t.store, 'Offered a minute ago');
      const b = await addAgent(t.store, 'Offered five minutes ago');
      const c = await addAgent(t.store, 'Never offered');
      await addAgent(t.store, 'Off duty', { onDuty: false });
      await t.store.agents.markOffered(a.agentId, T0 - MINUTE, OFFERED_CALL);
      await t.store.agents.markOffered(b.agentId, T0 - 5 * MINUTE, OFFERED_CALL);
      expect(ids(await t.store.agents.onDutyAt(T0))).toEqual([c.agentId, b.agentId, a.agentId]);
      expect(ids(await t.store.agents.onDuty())).toEqual([c.agentId, b.agentId, a.agentId]);
      expect((await t.store.agents.get(a.agentId))?.lastOfferedAt).toBe(T0 - MINUTE);
    });

    it("sets a roster, read at the instant asked, and by onDuty() at the store's clock", async () => {
      const r = await addAgent(t.store, 'Rostered', { duty: 'roster' });
      const withRoster = await t.store.agents.setRoster(r.agentId, WEDNESDAY_DAYS, T0 + 1);
      expect(withRoster).toMatchObject({ duty: 'roster', roster: WEDNESDAY_DAYS, onDuty: true, state: 'available', updatedAt: T0 + 1 });
      expect(ids(await t.store.agents.onDutyAt(T0))).toEqual([r.agentId]);
      expect(ids(await t.store.agents.onDutyAt(T0 + 8 * HOUR))).toEqual([]);
      expect(ids(await t.store.agents.onDuty())).toEqual([r.agentId]);
      t.clock.set(T0 + 8 * HOUR);
      expect(ids(await t.store.agents.onDuty())).toEqual([]);
      expect(await t.store.agents.get(r.agentId)).toMatchObject({ onDuty: false, state: 'off-duty' });
    });

    it('a roster replaces the one before and leaves the duty mode as it is', async () => {
      const a = await addAgent(t.store, 'Always on');
      await t.store.agents.setRoster(a.agentId, WEDNESDAY_DAYS, T0);
      const nights: Roster = { timeZone: 'Asia/Tokyo', rules: [{ days: ['mon', 'tue'], start: '22:00', end: '06:00' }] };
      expect(await t.store.agents.setRoster(a.agentId, nights, T0 + 1)).toMatchObject({ duty: 'on', roster: nights });
      expect(ids(await t.store.agents.onDutyAt(T0 + 8 * HOUR))).toEqual([a.agentId]);
    });

    it('lists as free the agents on duty who are on no call and were not offered one within the hold', async () => {
      const free = await addAgent(t.store, 'Free');
      const held = await addAgent(t.store, 'Held');
      const busy = await addAgent(t.store, 'On a call');
      await addAgent(t.store, 'Off duty', { onDuty: false });
      await t.store.agents.markOffered(held.agentId, T0 - OFFER_HOLD_MS + 1, OFFERED_CALL);
      await t.store.agents.markOnCall(busy.agentId, sid(1), { at: T0 });
      expect(ids(await t.store.agents.freeOnDutyAt(T0))).toEqual([free.agentId]);
      expect(ids(await t.store.agents.freeOnDutyAt(T0 + 1)).sort()).toEqual([free.agentId, held.agentId].sort());
      expect(ids(await t.store.agents.onDutyAt(T0)).sort()).toEqual([free.agentId, held.agentId, busy.agentId].sort());
    });

    it('reserves a free agent once within the hold, marking them offered', async () => {
      const a = await addAgent(t.store, 'Aiko');
      expect(await t.store.agents.reserve(a.agentId, T0, OFFERED_CALL)).toBe(true);
      expect((await t.store.agents.get(a.agentId))?.lastOfferedAt).toBe(T0);
      expect(await t.store.agents.reserve(a.agentId, T0 + OFFER_HOLD_MS - 1, OFFERED_CALL)).toBe(false);
      expect(await t.store.agents.reserve(a.agentId, T0 + OFFER_HOLD_MS, OFFERED_CALL)).toBe(true);
      expect((await t.store.agents.get(a.agentId))?.lastOfferedAt).toBe(T0 + OFFER_HOLD_MS);
    });

    it("an offer holds its agent until it ends - the call's leg over, the call ended, declined - not for the whole hold", async () => {
      const [ann, ben, cho] = [await addAgent(t.store, 'Ann'), await addAgent(t.store, 'Ben'), await addAgent(t.store, 'Cho')];
      const [first, second, third] = [sid(1), sid(2), sid(3)];
      await t.store.agents.markOffered(ann.agentId, T0, first);
      await t.store.agents.markOffered(ben.agentId, T0, second);
      await t.store.agents.markOffered(cho.agentId, T0, third);
      expect(await t.store.agents.get(ann.agentId)).toMatchObject({ state: 'offered', offeredFor: first });
      expect(ids(await t.store.agents.freeOnDutyAt(T0 + 1))).toEqual([]);
      // The Dial's action for the first call (no answer), the second call's end, the third agent's decline.
      await t.store.agents.markAvailable(first, T0 + 1);
      await t.store.agents.markCallEnded(second, T0 + 1);
      expect(await t.store.agents.endOffer(cho.agentId, sid(4))).toBe(false);
      expect(await t.store.agents.endOffer(cho.agentId, third)).toBe(true);
      expect((await t.store.agents.freeOnDutyAt(T0 + 2)).map((a) => a.name).sort()).toEqual(['Ann', 'Ben', 'Cho']);
      expect(await t.store.agents.get(ann.agentId)).toMatchObject({ state: 'available', offeredFor: null, lastOfferedAt: T0 });
    });

    it('an agent who accepts is on the call, no longer offered; one rung for a callback shows so until the leg ends', async () => {
      const [ann, ben] = [await addAgent(t.store, 'Ann'), await addAgent(t.store, 'Ben')];
      await t.store.agents.markOffered(ann.agentId, T0, sid(1));
      await t.store.agents.markOnCall(ann.agentId, sid(1), { at: T0 + 5 });
      expect(await t.store.agents.get(ann.agentId)).toMatchObject({ state: 'on-call', offeredFor: null });
      expect(await t.store.agents.reserve(ben.agentId, T0, 'callback:7')).toBe(true);
      // A callback's ring is not bounded by the P1 hold: the agent may be talking to the customer on that leg.
      expect((await t.store.agents.onDutyAt(T0 + 2 * OFFER_HOLD_MS)).find((a) => a.agentId === ben.agentId)).toMatchObject({ state: 'ringing-callback' });
      expect(await t.store.agents.reserve(ben.agentId, T0 + 2 * OFFER_HOLD_MS, 'callback:8')).toBe(false);
      expect(await t.store.agents.endOffer(ben.agentId, 'callback:7')).toBe(true);
      expect(await t.store.agents.reserve(ben.agentId, T0 + 2 * OFFER_HOLD_MS, 'callback:8')).toBe(true);
    });

    it('does not reserve an agent off duty, off their roster or on a call', async () => {
      const off = await addAgent(t.store, 'Off', { onDuty: false });
      const rostered = await addAgent(t.store, 'Rostered', { duty: 'roster' });
      await t.store.agents.setRoster(rostered.agentId, WEDNESDAY_DAYS, T0);
      const busy = await addAgent(t.store, 'Busy');
      await t.store.agents.markOnCall(busy.agentId, sid(1), { at: T0 });
      expect(await t.store.agents.reserve(off.agentId, T0, OFFERED_CALL)).toBe(false);
      expect(await t.store.agents.reserve(rostered.agentId, T0 + 8 * HOUR, OFFERED_CALL)).toBe(false);
      expect(await t.store.agents.reserve(busy.agentId, T0, OFFERED_CALL)).toBe(false);
      for (const a of [off, rostered, busy]) expect((await t.store.agents.get(a.agentId))?.lastOfferedAt).toBeNull();
      expect(await t.store.agents.reserve(rostered.agentId, T0, OFFERED_CALL)).toBe(true);
    });

    it('of two instances offering one agent a call at the same time, exactly one gets them', async () => {
      const other = await t.another();
      const agents = await Promise.all([1, 2, 3, 4, 5, 6].map((n) => addAgent(t.store, `Agent ${n}`)));
      const answers = await Promise.all(agents.map((a) => Promise.all([t.store, other].map((s) => s.agents.reserve(a.agentId, T0, OFFERED_CALL)))));
      expect(answers.map(winners)).toEqual(agents.map(() => 1));
    });

    it("sees another instance's changes to agents at once", async () => {
      const other = await t.another();
      const [a, b] = [await addAgent(t.store, 'A'), await addAgent(t.store, 'B')];
      await t.store.agents.markOffered(a.agentId, T0 - 2 * MINUTE, OFFERED_CALL);
      await t.store.agents.markOffered(b.agentId, T0 - MINUTE, OFFERED_CALL);
      expect(ids(await t.store.agents.onDutyAt(T0))).toEqual([a.agentId, b.agentId]);
      await other.agents.markOffered(a.agentId, T0, OFFERED_CALL);
      expect(ids(await t.store.agents.onDutyAt(T0))).toEqual([b.agentId, a.agentId]);
      await other.agents.update(b.agentId, { onDuty: false }, T0);
      expect(ids(await t.store.agents.onDutyAt(T0))).toEqual([a.agentId]);
      expect(await t.store.agents.reserve(b.agentId, T0 + HOUR, OFFERED_CALL)).toBe(false);
    });

    it('marks an agent on a call, at the store clock unless told when, and frees them when their leg or the call is over', async () => {
      const a = await addAgent(t.store, 'Aiko');
      expect(await t.store.agents.markOnCall(a.agentId, sid(1), { legSid: sid(2) })).toBe(true);
      expect(await t.store.agents.get(a.agentId)).toMatchObject({ state: 'on-call', onCall: { callSid: sid(1), since: T0 } });
      expect(await t.store.agents.freeOnDutyAt(T0 + HOUR)).toEqual([]);
      const freed = await t.store.agents.markAvailable(sid(2), T0 + 1);
      expect(freed).toMatchObject([{ agentId: a.agentId, state: 'available', onCall: null }]);
      expect(await t.store.agents.get(a.agentId)).toMatchObject({ state: 'available', onCall: null });
      // Not ended for good: the same call may bridge them again.
      expect(await t.store.agents.markOnCall(a.agentId, sid(1), { legSid: sid(2), at: T0 + 2 })).toBe(true);
      expect(await t.store.agents.markAvailable(sid(1))).toMatchObject([{ agentId: a.agentId }]);
      expect(await t.store.agents.markAvailable(sid(404))).toEqual([]);
    });

    it('frees everyone on a call that ended and refuses to mark anyone on it later (a late callback)', async () => {
      const [a, b] = [await addAgent(t.store, 'A'), await addAgent(t.store, 'B')];
      await t.store.agents.markOnCall(a.agentId, sid(1), { legSid: sid(2), at: T0 });
      await t.store.agents.markOnCall(b.agentId, sid(1), { legSid: sid(3), at: T0 });
      expect(ids(await t.store.agents.markCallEnded(sid(1), T0 + 1)).sort()).toEqual([a.agentId, b.agentId].sort());
      expect(await t.store.agents.markOnCall(a.agentId, sid(1), { legSid: sid(4) })).toBe(false);
      expect(await t.store.agents.markOnCall(a.agentId, sid(5), { legSid: sid(1) })).toBe(false);
      expect(await t.store.agents.get(a.agentId)).toMatchObject({ state: 'available' });
      // An agent's leg ending for good counts as well.
      await t.store.agents.markOnCall(b.agentId, sid(6), { legSid: sid(7), at: T0 + 2 });
      expect(ids(await t.store.agents.markCallEnded(sid(7)))).toEqual([b.agentId]);
      expect(await t.store.agents.markOnCall(b.agentId, sid(8), { legSid: sid(7) })).toBe(false);
      expect(await t.store.agents.markOnCall(b.agentId, sid(8), { legSid: sid(9) })).toBe(true);
    });

    it('releases one agent from whatever call they were marked on', async () => {
      const [a, b] = [await addAgent(t.store, 'A'), await addAgent(t.store, 'B')];
      await t.store.agents.markOnCall(a.agentId, sid(1), { at: T0 });
      await t.store.agents.markOnCall(b.agentId, sid(1), { at: T0 });
      expect(await t.store.agents.release(a.agentId, T0 + 1)).toMatchObject({ agentId: a.agentId, state: 'available', onCall: null });
      expect(await t.store.agents.get(b.agentId)).toMatchObject({ state: 'on-call' });
    });
  });
}
