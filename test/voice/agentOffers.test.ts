import { afterEach, expect, it } from 'vitest';
import { api, startHarness, TEST_ADMIN_TOKEN, type Harness } from '../support/harness.js';
import { addAgent, addCustomer, dashboardCode, placeCall } from '../support/calls.js';
import { describeEngines } from '../support/postgres.js';

const AGENT = '+15550000001';
const ALL_BUSY = 'All our engineers are on other calls. You are in the priority queue; please hold.';

describeEngines("an offer's end frees its agent at once", (engine) => {
  let h: Harness;
  afterEach(async () => h.close());

  for (const answer of ['agent:no-answer', 'agent:no-key'] as const) {
    it(`the next P1 caller, seconds after the agent's ${answer === 'agent:no-answer' ? 'phone rang out' : 'whisper went unanswered'}, rings that agent again instead of hearing that all are busy`, async () => {
      h = await startHarness({ engine });
      const agentId = await addAgent(h, { phone: AGENT });
      const first = await addCustomer(h);
      const missed = await placeCall(h, [`${first}#`, await dashboardCode(h, first), '1', answer]);
      expect(missed.dials().map((d) => d.number)).toEqual([AGENT]);
      // The agent is available again at once, whatever the console, the API or the flow asks.
      expect((await api(h, 'GET', `/api/agents/${agentId}`)).body).toMatchObject({ state: 'available', offeredFor: null });

      h.clock.advance(5_000);
      const second = await addCustomer(h);
      const next = await placeCall(h, [`${second}#`, await dashboardCode(h, second), '1', 'agent:accept']);
      expect(next.said()).not.toContain(ALL_BUSY);
      expect(next.dials().map((d) => d.number)).toEqual([AGENT]);
    });
  }

  it('while the offer is live the agent shows as being offered a call, and a second caller waits', async () => {
    h = await startHarness({ engine });
    const agentId = await addAgent(h, { phone: AGENT });
    const id = await addCustomer(h);
    await h.hotline.store.agents.markOffered(agentId, h.clock.now(), `CA${'7'.repeat(32)}`);
    expect((await api(h, 'GET', `/api/agents/${agentId}`)).body).toMatchObject({ state: 'offered' });
    const metrics = await (await fetch(`${h.url}/metrics`, { headers: { authorization: `Bearer ${TEST_ADMIN_TOKEN}` } })).text();
    expect(metrics).toContain('hotline_agents{state="offered"} 1');
    expect(metrics).toContain('hotline_agents{state="available"} 0');
    const waiting = await placeCall(h, [`${id}#`, await dashboardCode(h, id), '1']);
    expect(waiting.said()).toContain(ALL_BUSY);
  });
});
