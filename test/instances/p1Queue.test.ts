import { afterEach, beforeEach, expect, it } from 'vitest';
import { AGENT_OFFER_HOLD_MS } from '../../src/domain/serviceNumbers.js';
import { addAgent, addCustomer, dashboardCode } from '../support/calls.js';
import { describePostgres } from '../support/postgres.js';
import { CallerLeg, startPair, type Pair } from './support.js';

const ALL_BUSY = 'All our engineers are on other calls.';
const TRIES = 8;

describePostgres('the P1 queue and agent offers across two instances', () => {
  let pair: Pair;
  beforeEach(async () => {
    pair = await startPair();
  });
  afterEach(async () => pair.close());

  it(`one free agent and two P1 callers pressing 1 at once, one at each instance: the agent is offered to exactly one (${TRIES} tries)`, async () => {
    const { h1, h2, both } = pair;
    for (let attempt = 0; attempt < TRIES; attempt++) {
      // Every earlier agent is held by an earlier offer: the new one is the only free agent.
      const agentId = await addAgent(both[attempt % 2]!, { phone: `+1555000${String(1000 + attempt)}` });
      const legs = [new CallerLeg(`+1415555${String(1000 + 2 * attempt)}`), new CallerLeg(`+1415555${String(1001 + 2 * attempt)}`)] as const;
      const ids = [await addCustomer(h1), await addCustomer(h2)];
      await Promise.all(
        legs.map(async (leg, i) => {
          await leg.incoming(both[i]!);
          await leg.answer(both[i]!, ids[i]!);
          await leg.answer(both[i]!, await dashboardCode(h1, ids[i]!));
        }),
      );
      const answers = await Promise.all(legs.map((leg, i) => leg.answer(both[i]!, '1')));
      const rung = answers.filter((twiml) => twiml.includes('<Dial'));
      expect(rung, `try ${attempt}`).toHaveLength(1);
      expect(rung[0]).toContain(`agent=${agentId}"`);
      const loser = legs[answers.findIndex((twiml) => !twiml.includes('<Dial'))]!;
      expect(answers.find((twiml) => !twiml.includes('<Dial'))).toContain(ALL_BUSY);
      // The one who waits hangs up, so the next try starts with an empty queue.
      await loser.hangUp(both[attempt % 2]!);
      expect(await h1.hotline.store.queue.waiting()).toEqual([]);
    }
  }, 60_000);

  it('keeps its order across instances: Premium before Standard, then time waited; a freed agent goes to the head once', async () => {
    const { h1, h2 } = pair;
    await addAgent(h1, { name: 'Ann', phone: '+15550000001' });
    // A first verified P1 call, at h1, takes the only agent.
    const first = new CallerLeg('+14155550001');
    const firstId = await addCustomer(h1, { name: 'First' });
    expect(await first.verifiedP1(h1, firstId, await dashboardCode(h1, firstId))).toContain('<Dial');

    const callers: Array<{ leg: CallerLeg; tier: 'standard' | 'premium' }> = [];
    const arrive = async (tier: 'standard' | 'premium', at: typeof h1, from: string) => {
      const id = await addCustomer(at, { tier });
      const leg = new CallerLeg(from);
      expect(await leg.verifiedP1(at, id, await dashboardCode(at, id))).toContain(ALL_BUSY);
      callers.push({ leg, tier });
      h1.clock.advance(5_000);
      return leg;
    };
    const standardOld = await arrive('standard', h1, '+14155550002');
    const premiumLate = await arrive('premium', h2, '+14155550003');
    const standardNew = await arrive('standard', h2, '+14155550004');
    const premiumLatest = await arrive('premium', h1, '+14155550005');
    const order = [premiumLate, premiumLatest, standardOld, standardNew];
    // Every instance tells every caller the same place.
    for (const h of pair.both) {
      for (const [place, leg] of order.entries()) expect(await leg.wait(h)).toContain(`You are number ${place + 1} in line`);
    }

    // Ann's offer runs out: every caller asks at once, half at each instance; only the head leaves the queue.
    h1.clock.advance(AGENT_OFFER_HOLD_MS + 1_000);
    const waits = await Promise.all(order.map((leg, i) => leg.wait(pair.both[i % 2]!)));
    expect(waits.map((twiml) => twiml.includes('<Leave/>'))).toEqual([true, false, false, false]);
    const offered = await premiumLate.left(h1, 3);
    expect(offered).toContain('<Dial');
    expect(offered).toContain('+15550000001');
    for (const [place, leg] of order.slice(1).entries()) expect(await leg.wait(place % 2 ? h1 : h2)).toContain(`You are number ${place + 1} in line`);
  });
});
