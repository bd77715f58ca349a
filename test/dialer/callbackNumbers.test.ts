import { afterEach, expect, it } from 'vitest';
import { api, type Harness } from '../support/harness.js';
import { CALLER, dashboardCode, LINE, placeCall } from '../support/calls.js';
import { spokenText } from '../support/twilioStandIn.js';
import { addAgent, playRound, startDialerHarness, type DialerHarness } from './support.js';
import { describeEngines } from '../support/postgres.js';

// Toll fraud through the callback number: a caller who can make the line call any number they type
// makes it call one that pays them (premium rate) or costs dollars a minute (satellite).
const SATELLITE = '881612345678';
const JAPAN_LINE = '+81345550100';
const MINUTE = 60_000;

const REFUSED_RANGE = 'Sorry, we cannot call premium-rate, shared-cost or satellite numbers. Please give an ordinary landline or mobile number.';
const REFUSED_COUNTRY = 'Sorry, we cannot call numbers in that country. Please give a number in a country this line serves.';
const ASK_NUMBER = 'Enter the number to call back, starting with the country code, then the hash key.';
const OTHER_NUMBER = /asked to be called at a different number/;

async function addCustomer(h: Harness, phone?: string): Promise<string> {
  const res = await api(h, 'POST', '/api/customers', { name: 'Acme Robotics', plan: 'enterprise', tier: 'premium', ...(phone && { phone }) });
  expect(res.status).toBe(201);
  return res.body.customerId as string;
}

async function callbacks(h: Harness): Promise<Array<Record<string, any>>> {
  return (await api(h, 'GET', '/api/callbacks')).body.items;
}

/** A verified P2 call with `keys` after the 2; the texts it caused have been sent. */
async function p2Call(d: DialerHarness, id: string, keys: string[], options: { from?: string; to?: string } = {}) {
  const call = await placeCall(d.h, [`${id}#`, await dashboardCode(d.h, id), '2', ...keys], options);
  await d.h.hotline.callbackDialing.confirmations.idle();
  d.h.clock.advance(10 * MINUTE);
  return call;
}

describeEngines('a callback number the caller types', (engine) => {
  let d: DialerHarness;
  afterEach(async () => d.close());

  it('in a satellite range is refused and asked again; a withheld caller who gives nothing else has nothing booked, texted or dialed', async () => {
    d = await startDialerHarness({ engine });
    await addAgent(d.h);
    const id = await addCustomer(d.h);

    const call = await p2Call(d, id, [`${SATELLITE}#`, ''], { from: 'anonymous' });

    const said = call.said();
    expect(said).toContain(REFUSED_RANGE);
    expect(said[said.indexOf(REFUSED_RANGE) + 1]).toBe(ASK_NUMBER);
    expect(said).not.toContainEqual(expect.stringContaining('We have booked a callback'));
    expect(await callbacks(d.h)).toEqual([]);
    expect(d.twilio.messages).toEqual([]);
    await d.worker.tick();
    expect(d.twilio.apiCalls).toEqual([]);
    expect(d.h.logs.text).not.toContain(SATELLITE);
  });

  it('in a satellite range at the P2 menu leaves the callback on the calling number, which is what the dialer dials', async () => {
    d = await startDialerHarness({ engine });
    await addAgent(d.h);
    const id = await addCustomer(d.h);

    const call = await p2Call(d, id, ['1', `${SATELLITE}#`]);

    expect(call.said()).toContain(REFUSED_RANGE);
    expect(call.said()).not.toContainEqual(expect.stringContaining('We will call you on the number ending'));
    const [booked] = await callbacks(d.h);
    expect(booked).toMatchObject({ phone: CALLER, status: 'pending' });
    expect(d.twilio.messages.map((m) => m.to)).toEqual([CALLER]);
    const round = await playRound(d, 'answers');
    expect(round.order.number).toBe(CALLER);
    expect(spokenText(round.whisper)).not.toMatch(OTHER_NUMBER);
    expect(JSON.stringify(d.twilio.requests.map((r) => r.params))).not.toContain(SATELLITE);
  });

  it('in a premium range is refused in Japanese on a Japanese line', async () => {
    d = await startDialerHarness({ engine });
    expect((await api(d.h, 'PUT', `/api/numbers/${JAPAN_LINE}`, { language: 'ja-JP' })).status).toBe(200);
    const id = await addCustomer(d.h);

    const call = await p2Call(d, id, ['819901234567#', ''], { from: 'anonymous', to: JAPAN_LINE });

    expect(call.said()).toContain(
      '申し訳ありません。有料情報サービスやナビダイヤルなどの番号、衛星電話の番号にはおかけできません。固定電話か携帯電話の番号を入力してください。',
    );
    expect(await callbacks(d.h)).toEqual([]);
  });

  it('in a country the line does not serve is refused; by default the line serves the countries of its numbers and of the phones on file', async () => {
    d = await startDialerHarness({ engine });
    expect((await api(d.h, 'PUT', `/api/numbers/${LINE}`, { language: 'en-US' })).status).toBe(200);
    await addCustomer(d.h, '+442079460000'); // another customer's phone in the UK
    const id = await addCustomer(d.h);

    const call = await p2Call(d, id, ['1', '33142685300#', '81312345678#', '442071234567#', '']);

    const said = call.said();
    expect(said.filter((s) => s === REFUSED_COUNTRY)).toHaveLength(2); // France, then Japan
    expect(said).toContain('Thank you. We will call you on the number ending 4 5 6 7.');
    expect(await callbacks(d.h)).toEqual([expect.objectContaining({ phone: '+442071234567', callerPhone: CALLER })]);
  });

  it('outside HOTLINE_CALLBACK_COUNTRIES is refused even in a country the line has numbers in, and nothing is booked', async () => {
    d = await startDialerHarness({ engine, env: { HOTLINE_CALLBACK_COUNTRIES: '81' } });
    expect((await api(d.h, 'PUT', `/api/numbers/${LINE}`, { language: 'en-US' })).status).toBe(200);
    const id = await addCustomer(d.h);

    const call = await p2Call(d, id, ['12125551234#', '12125551234#', '12125551234#'], { from: 'anonymous' });

    expect(call.said().filter((s) => s === REFUSED_COUNTRY)).toHaveLength(3);
    expect(call.said().at(-1)).toMatch(/^We could not complete your call/);
    expect(await callbacks(d.h)).toEqual([]);
    expect(d.twilio.messages).toEqual([]);
  });
});

describeEngines('a withheld caller whose customer has a phone on file', (engine) => {
  let d: DialerHarness;
  afterEach(async () => d.close());

  it('is booked to the phone on file and told so, is texted there, may give another number, and the agent dials it', async () => {
    d = await startDialerHarness({ engine });
    await addAgent(d.h);
    const onFile = '+14155550123';
    const id = await addCustomer(d.h, onFile);

    const call = await p2Call(d, id, [''], { from: 'anonymous' });

    const said = call.said();
    expect(said).not.toContain('We need a number to call you back on.');
    const booked = said.findIndex((s) => s.startsWith('We have booked a callback.'));
    expect(said[booked + 1]).toBe('We will call you on the number we have on file, ending 0 1 2 3.');
    expect(said[booked + 2]).toMatch(/^To give a different number to call, press 1\./);
    expect(await callbacks(d.h)).toEqual([expect.objectContaining({ phone: onFile, callerPhone: null, status: 'pending' })]);
    expect(d.twilio.messages.map((m) => m.to)).toEqual([onFile]);

    const round = await playRound(d, 'answers');
    expect(round.order.number).toBe(onFile);
    expect(spokenText(round.whisper)).not.toMatch(OTHER_NUMBER);
  });
});

describeEngines("the agent's whisper on a callback to a number the caller typed", (engine) => {
  let d: DialerHarness;
  afterEach(async () => d.close());

  it('says the customer asked for a different number, and its country', async () => {
    d = await startDialerHarness({ engine, env: { HOTLINE_CALLBACK_COUNTRIES: '1,44' } });
    await addAgent(d.h);
    const id = await addCustomer(d.h, '+14155550123');

    await p2Call(d, id, ['1', '442071234567#']);

    const round = await playRound(d, 'answers');
    expect(round.order.number).toBe('+442071234567');
    expect(spokenText(round.whisper)).toContain(
      'priority 2. The customer asked to be called at a different number, in the United Kingdom. They reported a priority 2 problem',
    );
  });

  it('says so in Japanese to an agent who speaks Japanese, for a withheld caller with no phone on file', async () => {
    d = await startDialerHarness({ engine });
    expect((await api(d.h, 'PUT', `/api/numbers/${JAPAN_LINE}`, { language: 'ja-JP' })).status).toBe(200);
    await addAgent(d.h, { languages: ['ja-JP'] });
    const id = await addCustomer(d.h);

    await p2Call(d, id, ['81312345678#', ''], { from: 'anonymous', to: JAPAN_LINE });

    const round = await playRound(d, 'answers');
    expect(round.order.number).toBe('+81312345678');
    expect(spokenText(round.whisper)).toContain('お客様は、別の番号への折り返しをご希望です。日本の番号です。');
  });
});
