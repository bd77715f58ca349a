import { afterEach, beforeEach, expect, it } from 'vitest';
import { luhnCheckDigit } from '../../src/domain/customerId.js';
import { addAgent, addCustomer, dashboardCode, placeCall } from '../support/calls.js';
import { startHarness, type Harness } from '../support/harness.js';
import { enterpriseCustomer, wrongCode } from '../foundation/support/fixtures.js';
import { describeEngines } from '../support/postgres.js';

const MINUTE = 60_000;

async function guardGauge(h: Harness): Promise<number> {
  const text = await (await fetch(`${h.url}/metrics`, { headers: { authorization: `Bearer ${h.config.adminToken}` } })).text();
  const line = text.split('\n').find((l) => l.startsWith('hotline_verification_guard_active '));
  return Number(line?.split(' ')[1]);
}
const warnings = (h: Harness) => h.logs.records().filter((r) => String(r.msg).startsWith('verification guard active'));

describeEngines('the line-wide guard against guessing', (engine) => {
  let h: Harness;
  beforeEach(async () => {
    h = await startHarness({ engine });
  });
  afterEach(async () => h.close());

  it('a real outage (200 customers in 10 minutes, one in ten mistyping once) does not trip it', async () => {
    const customers = await Promise.all(Array.from({ length: 200 }, () => enterpriseCustomer(h.hotline)));
    for (const [n, { customerId }] of customers.entries()) {
      const from = `+1415555${String(1000 + n)}`;
      if (n % 10 === 0) await h.hotline.verifyCaller(customerId, await wrongCode(h.hotline, customerId), { caller: from });
      expect(await h.hotline.verifyCaller(customerId, (await h.hotline.customers.dashboardCode(customerId)).code, { caller: from })).toMatchObject({ verified: true });
      h.clock.advance(3_000);
    }
    expect(await guardGauge(h)).toBe(0);
    expect(warnings(h)).toHaveLength(0);
  });

  it('a guessing run spread over IDs and numbers, under every per-ID and per-number limit, trips it once', async () => {
    for (let n = 0; n < 60; n++) {
      const body = String(720000000 + n);
      await h.hotline.verifyCaller(`${body}${luhnCheckDigit(body)}`, '123456', { caller: `+1415556${String(1000 + n)}` });
      h.clock.advance(9_000);
    }
    expect(await guardGauge(h)).toBe(1);
    expect(warnings(h)).toHaveLength(1);
    // Once the window has passed with no more refusals, it clears.
    h.clock.advance(11 * MINUTE);
    expect(await guardGauge(h)).toBe(0);
  });

  it('a call verified for an ID that saw refused codes in the last day is flagged in the agent\'s whisper', async () => {
    const id = await addCustomer(h);
    await addAgent(h, { phone: '+14155550901' });
    const bad = (await dashboardCode(h, id)).replace(/^./, (d) => String((Number(d) + 1) % 10));
    await placeCall(h, [`${id}#`, bad, `${id}#`, bad, `${id}#`, bad]);
    h.clock.advance(30_000);
    const call = await placeCall(h, [`${id}#`, await dashboardCode(h, id), '1', 'agent:accept']);
    expect(call.agentHeard()[0]).toContain('Verified after 3 failed codes in the last day: check before acting.');
    // A day later, nothing to flag.
    h.clock.advance(25 * 60 * MINUTE);
    const later = await placeCall(h, [`${id}#`, await dashboardCode(h, id), '1', 'agent:accept']);
    expect(later.agentHeard()[0]).not.toContain('failed codes');
  });
});
