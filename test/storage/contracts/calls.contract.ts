import { describe, expect, it } from 'vitest';
import type { CallRecord } from '../../../src/domain/storage/calls.js';
import type { StoreSubject } from '../subject.js';
import { addAgent, addCustomer, callRecord, MINUTE, newCallback, sid, T0, useStore, winners } from './fixtures.js';

/** The call's next snapshot, as a step of the flow makes it. */
const stepped = (call: CallRecord, overrides: Partial<CallRecord>): CallRecord => ({ ...call, step: call.step + 1, updatedAt: call.updatedAt + 1, ...overrides });

export function callRepositoryContract(subject: StoreSubject): void {
  describe('CallRepository', () => {
    const t = useStore(subject);

    it('records a new call once, keeping the first', async () => {
      const call = callRecord(sid(1), { context: { tries: 0, digits: ['1', '2'] } });
      expect(await t.store.calls.start(call)).toBe(true);
      expect(await t.store.calls.get(sid(1))).toEqual(call);
      expect(await t.store.calls.start({ ...call, state: 'other' })).toBe(false);
      expect(await t.store.calls.get(sid(1))).toEqual(call);
      expect(await t.store.calls.get(sid(404))).toBeUndefined();
    });

    it('advances a call from the step it is at, and not from a step already left', async () => {
      const call = callRecord(sid(1));
      await t.store.calls.start(call);
      const next = stepped(call, {
        state: 'ask-code',
        context: { tries: 1 },
        lastInputKey: 'key-1',
        lastResponse: '<Response/>',
        language: 'ja-JP',
        customerId: '10000001',
        priority: 'P1',
        outcome: 'transferred',
      });
      expect(await t.store.calls.advance(next, 0)).toBe(true);
      expect(await t.store.calls.get(sid(1))).toEqual(next);
      expect(await t.store.calls.advance(stepped(call, { state: 'stale' }), 0)).toBe(false);
      expect(await t.store.calls.get(sid(1))).toEqual(next);
      expect(await t.store.calls.advance(stepped(call, { state: 'no such call', callSid: sid(404) }), 0)).toBe(false);
    });

    it('applies none of the writes of a step that lost, made in its unit of work', async () => {
      const customer = await addCustomer(t.store);
      const agent = await addAgent(t.store, 'Ann');
      const call = callRecord(sid(1));
      await t.store.calls.start(call);
      await t.store.calls.advance(stepped(call, {}), 0);
      const lost = await t.store.unitOfWork(async (tx) => {
        if (!(await tx.calls.advance(stepped(call, { state: 'late' }), 0))) return false;
        await tx.callbacks.schedule(newCallback(customer, 1));
        await tx.agents.markOffered(agent.agentId, T0, sid(99));
        await tx.queue.enqueue({ callSid: call.callSid, customerId: customer, tier: 'standard', language: 'en-US' }, T0);
        return true;
      });
      expect(lost).toBe(false);
      expect(await t.store.callbacks.byCallSid(sid(1))).toBeUndefined();
      expect((await t.store.agents.get(agent.agentId))?.lastOfferedAt).toBeNull();
      expect(await t.store.queue.get(sid(1))).toBeUndefined();
    });

    it('of two instances advancing a call from the same step at the same time, exactly one does, with its writes only', async () => {
      const other = await t.another();
      const customer = await addCustomer(t.store);
      const calls = [1, 2, 3, 4].map((n) => callRecord(sid(n)));
      for (const call of calls) await t.store.calls.start(call);
      const answers = await Promise.all(
        calls.map((call, i) =>
          Promise.all(
            [t.store, other].map((store, which) =>
              store.unitOfWork(async (tx) => {
                if (!(await tx.calls.advance(stepped(call, { state: `by-${which}` }), 0))) return false;
                await tx.callbacks.schedule(newCallback(customer, 10 * i + which, { callSid: call.callSid }));
                return true;
              }),
            ),
          ),
        ),
      );
      expect(answers.map(winners)).toEqual(calls.map(() => 1));
      for (const [i, call] of calls.entries()) {
        const winner = answers[i]![0] ? 0 : 1;
        expect(await t.store.calls.get(call.callSid)).toMatchObject({ step: 1, state: `by-${winner}` });
        expect((await t.store.callbacks.byCallSid(call.callSid))?.reference).toBe(`CB-${10 * i + winner}`);
        expect(await t.store.callbacks.referenceTaken(`CB-${10 * i + 1 - winner}`)).toBe(false);
      }
    });

    it('ends a call once, keeping the outcome the flow set or setting the one given', async () => {
      await t.store.calls.start(callRecord(sid(1)));
      await t.store.calls.start(callRecord(sid(2), { outcome: 'transferred' }));
      await t.store.calls.end(sid(1), T0 + MINUTE, 'abandoned');
      await t.store.calls.end(sid(2), T0 + MINUTE, 'abandoned');
      expect(await t.store.calls.get(sid(1))).toMatchObject({ endedAt: T0 + MINUTE, outcome: 'abandoned' });
      expect(await t.store.calls.get(sid(2))).toMatchObject({ endedAt: T0 + MINUTE, outcome: 'transferred' });
      await t.store.calls.end(sid(1), T0 + 2 * MINUTE, 'other');
      expect(await t.store.calls.get(sid(1))).toMatchObject({ endedAt: T0 + MINUTE, outcome: 'abandoned' });
    });

    it('lists the calls not yet ended, oldest first, up to the limit', async () => {
      await t.store.calls.start(callRecord(sid(1), { startedAt: T0 + 2 }));
      await t.store.calls.start(callRecord(sid(2), { startedAt: T0 }));
      await t.store.calls.start(callRecord(sid(3), { startedAt: T0 + 1 }));
      await t.store.calls.start(callRecord(sid(4), { startedAt: T0 - 1 }));
      await t.store.calls.end(sid(4), T0 + 3, 'abandoned');
      expect((await t.store.calls.live(10)).map((c) => c.callSid)).toEqual([sid(2), sid(3), sid(1)]);
      expect((await t.store.calls.live(1)).map((c) => c.callSid)).toEqual([sid(2)]);
    });
  });
}
