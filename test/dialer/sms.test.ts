import { afterEach, expect, it } from 'vitest';
import { api } from '../support/harness.js';
import { addCustomer, CALLER, dashboardCode, placeCall } from '../support/calls.js';
import { addAgent, CALLER_ID, startDialerHarness, type DialerHarness } from './support.js';
import { describeEngines } from '../support/postgres.js';

const JAPAN_LINE = '+81345550100';

describeEngines('SMS confirmation of a scheduled callback', (engine) => {
  let d: DialerHarness;
  afterEach(async () => d.close());

  async function p2Call(customerId: string, to: string) {
    const call = await placeCall(d.h, [`${customerId}#`, await dashboardCode(d.h, customerId), '2', ''], { to });
    await d.h.hotline.callbackDialing.confirmations.idle();
    const [callback] = (await api(d.h, 'GET', '/api/callbacks')).body.items;
    return { call, callback };
  }

  it('texts the caller the reference and the deadline in UTC, from HOTLINE_CALLER_ID', async () => {
    d = await startDialerHarness({ engine });
    const id = await addCustomer(d.h, { tier: 'premium' });

    const { call, callback } = await p2Call(id, '+15555550199');

    expect(call.said()).toContainEqual(expect.stringContaining('We have booked a callback'));
    expect(d.twilio.messages).toHaveLength(1);
    expect(d.twilio.messages[0]).toMatchObject({
      to: CALLER,
      from: CALLER_ID,
      body: `Emergency support: an engineer will call you back by Nov 23, 2:00 PM UTC. Your reference is ${callback.reference}. When we call, press any key to be connected.`,
    });
    expect(d.twilio.requestsOf('messages.create')[0]!.authorized).toBe(true);
    const logged = d.h.logs.records().find((r) => r.msg === 'callback confirmation texted');
    expect(logged).toMatchObject({ reference: callback.reference, to: '+1********00' });
  });

  it('texts in Japanese with the deadline in Japan time, from the number the customer called', async () => {
    d = await startDialerHarness({ engine, env: { HOTLINE_CALLER_ID: '' } });
    expect((await api(d.h, 'PUT', `/api/numbers/${JAPAN_LINE}`, { language: 'ja-JP' })).status).toBe(200);
    const id = await addCustomer(d.h, { tier: 'standard' });

    const { callback } = await p2Call(id, JAPAN_LINE);

    expect(callback).toMatchObject({ language: 'ja-JP', dueAt: '2026-11-23T16:00:00.000Z' });
    expect(d.twilio.messages).toHaveLength(1);
    expect(d.twilio.messages[0]).toMatchObject({
      to: CALLER,
      from: JAPAN_LINE,
      body: `緊急サポート：日本時間11月24日 1時00分までにエンジニアから折り返しお電話します。受付番号は ${callback.reference} です。お電話の際は、いずれかのボタンを押すとおつなぎします。`,
    });
  });

  for (const failure of [
    { status: 400, code: 21211, message: `The 'To' number ${CALLER} is not a valid phone number.` },
    { status: 500, code: 20500, message: 'Internal Server Error' },
  ]) {
    it(`keeps the call and the callback when the Messages API answers ${failure.status}, and logs it without the number`, async () => {
      d = await startDialerHarness({ engine });
      const id = await addCustomer(d.h);
      d.twilio.failNext('messages', failure);

      const { call, callback } = await p2Call(id, '+15555550199');

      expect(call.said()).toContainEqual(expect.stringContaining('We have booked a callback'));
      expect(call.said().at(-1)).toBe('Goodbye.');
      expect(callback).toMatchObject({ status: 'pending', priority: 'P2' });
      expect(d.twilio.messages).toHaveLength(0);
      const warning = d.h.logs.records().find((r) => r.msg === 'callback confirmation text failed');
      expect(warning).toMatchObject({ level: 40, reference: callback.reference, httpStatus: failure.status, twilioCode: failure.code, to: '+1********00' });
      expect(JSON.stringify(warning)).not.toContain(CALLER);

      // The promise is kept all the same: the dialer rings an agent for it.
      await addAgent(d.h);
      await d.worker.tick();
      expect(d.twilio.apiCalls).toHaveLength(1);
    });
  }
});
