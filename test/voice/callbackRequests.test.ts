import { afterEach, expect, it } from 'vitest';
import { api, sqlFromOutside, startHarness, type Harness } from '../support/harness.js';
import { addAgent, addCustomer, dashboardCode, placeCall } from '../support/calls.js';
import { callParams, postSigned } from '../support/twilioRequests.js';
import { describeEngines } from '../support/postgres.js';

const SID = `CA${'b'.repeat(32)}`;

describeEngines('P2 callbacks', (engine) => {
  let h: Harness;
  afterEach(async () => h.close());

  it('2 books exactly one callback to the calling number with the tier deadline; another number and a recording can follow', async () => {
    h = await startHarness({ engine, env: { HOTLINE_CALLBACK_COUNTRIES: '1,44' } });
    const id = await addCustomer(h, { tier: 'standard' });
    const call = await placeCall(h, [`${id}#`, await dashboardCode(h, id), '2', '1', '442071234567#', '2', 'checkout fails in Frankfurt']);
    expect(call.said()).toContainEqual(expect.stringMatching(/^We have booked a callback\. An engineer will call you within 4 hours of your call, by 4:00 PM UTC\. Your reference is [0-9 ]+\.$/));
    expect(call.said()).toContain('Thank you. We will call you on the number ending 4 5 6 7.');
    expect(call.said().at(-1)).toBe('Thank you. Your description is saved with your callback. Goodbye.');
    expect(call.dials()).toEqual([]);
    const items = (await api(h, 'GET', '/api/callbacks')).body.items;
    expect(items).toHaveLength(1);
    expect(items[0]).toMatchObject({
      customerId: id,
      priority: 'P2',
      reason: 'p2',
      status: 'pending',
      phone: '+442071234567',
      dueAt: '2026-11-23T16:00:00.000Z',
      recordingUrl: expect.stringMatching(/^https:\/\//),
    });
  });

  it('a caller who fails the P2 menu three times after booking is told the callback stands, and it does', async () => {
    h = await startHarness({ engine });
    const id = await addCustomer(h, { tier: 'standard' });
    const call = await placeCall(h, [`${id}#`, await dashboardCode(h, id), '2', '9', '9', '9']);
    expect(call.said().at(-1)).toBe('Your callback is still booked. Goodbye.');
    expect(call.said()).not.toContainEqual(expect.stringContaining('We could not complete your call'));
    expect((await api(h, 'GET', '/api/callbacks')).body.items).toEqual([expect.objectContaining({ customerId: id, status: 'pending' })]);
    expect((await h.hotline.store.calls.get(call.callSid))).toMatchObject({ outcome: 'callback', state: 'callbackStillBooked' });
  });

  it('a webhook that Twilio retries gets the same answer and books no second callback', async () => {
    h = await startHarness({ engine });
    const id = await addCustomer(h, { tier: 'premium' });
    await postSigned(h, '/voice/incoming', callParams(SID));
    await postSigned(h, '/voice/step?step=0', callParams(SID, { Digits: id }));
    await postSigned(h, '/voice/step?step=1', callParams(SID, { Digits: await dashboardCode(h, id) }));
    const first = await postSigned(h, '/voice/step?step=2', callParams(SID, { Digits: '2' }));
    const retry = await postSigned(h, '/voice/step?step=2', callParams(SID, { Digits: '2' }));
    expect(first.status).toBe(200);
    expect(retry).toEqual(first);
    expect(first.body).toContain('within 2 hours');
    expect((await api(h, 'GET', '/api/callbacks')).body.items).toHaveLength(1);
  });
});

describeEngines('webhook security and failure', (engine) => {
  let h: Harness;
  afterEach(async () => h.close());

  it('unsigned requests get 400 and forged ones 403, and neither starts a call', async () => {
    h = await startHarness({ engine });
    const unsigned = await postSigned(h, '/voice/incoming', callParams(SID), 'missing');
    const forged = await postSigned(h, '/voice/incoming', callParams(SID), 'bm90IGEgc2lnbmF0dXJl');
    expect(unsigned.status).toBe(400);
    expect(forged.status).toBe(403);
    expect((await h.hotline.store.calls.get(SID))).toBeUndefined();
    // A request signed for other parameters than those sent is forged too.
    const tampered = await fetch(`${h.url}/voice/incoming`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-twilio-signature': 'x' },
      body: new URLSearchParams(callParams(SID, { From: '+19999999999' })),
    });
    expect(tampered.status).toBe(403);
    expect((await h.hotline.store.calls.get(SID))).toBeUndefined();
  });

  it('an error inside the flow still answers TwiML that apologises and dials the backup number', async () => {
    h = await startHarness({ engine, env: { HOTLINE_BACKUP_NUMBER: '+15555550111' } });
    await postSigned(h, '/voice/incoming', callParams(SID));
    // Damage this call's stored state from outside, as a failing disk or a bad migration would.
    await sqlFromOutside(h, 'UPDATE calls SET context = ? WHERE call_sid = ?', ['{not json', SID]);
    const res = await postSigned(h, '/voice/step?step=0', callParams(SID, { Digits: '1234' }));
    expect(res.status).toBe(200);
    expect(res.body).toContain('something went wrong on our side. Connecting you to our backup line.');
    expect(res.body).toMatch(/<Dial[^>]*><Number>\+15555550111<\/Number><\/Dial>/);
    expect(h.logs.text).toContain('voice webhook failed');
  });

  it('the fallback URL answers the apology without a backup number too', async () => {
    h = await startHarness({ engine });
    const res = await postSigned(h, '/voice/fallback', callParams(SID, { ErrorCode: '11200' }));
    expect(res.status).toBe(200);
    expect(res.body).toContain('Please call again in a few minutes.');
    expect(res.body).toContain('<Hangup/>');
  });
});

describeEngines('languages', (engine) => {
  let h: Harness;
  afterEach(async () => h.close());

  it('a number set to ja-JP answers in Japanese, and * switches to English', async () => {
    h = await startHarness({ engine });
    expect((await api(h, 'PUT', '/api/numbers/+15555550199', { language: 'ja-JP' })).status).toBe(200);
    const id = await addCustomer(h);
    await addAgent(h, { phone: '+15550000001', languages: ['ja-JP'] });
    const japanese = await placeCall(h, [`${id}#`, await dashboardCode(h, id), '1']);
    expect(japanese.said()[0]).toBe('緊急サポート窓口です。');
    expect(japanese.said()).toContain('確認できました。');
    expect(japanese.events.find((e) => e.kind === 'say')).toMatchObject({ language: 'ja-JP', voice: 'Polly.Mizuki' });
    expect(japanese.agentHeard()[0]).toMatch(/^確認済みのプレミアムエンタープライズのお客様、Acme Robotics/);

    h.clock.advance(30_000);
    const switched = await placeCall(h, ['*', `${id}#`, await dashboardCode(h, id), '3']);
    expect(switched.said()).toContain('For English, press star.');
    expect(switched.said()).toContain('Enter your customer ID, then the hash key.');
    expect(switched.said().at(-1)).toMatch(/first response target for Premium Enterprise is 24 hours/);
  });

  it('a Japanese caller who types a callback number without its country code is told how, with the example of a Japanese number', async () => {
    h = await startHarness({ engine, env: { HOTLINE_CALLBACK_COUNTRIES: '1,81' } });
    expect((await api(h, 'PUT', '/api/numbers/+15555550199', { language: 'ja-JP' })).status).toBe(200);
    const id = await addCustomer(h);
    const call = await placeCall(h, [`${id}#`, await dashboardCode(h, id), '2', '1', '0312345678#', '81312345678#']);
    expect(call.said()).toContain('その電話番号にはおかけできません。国番号から入力してください。日本の番号なら、81に続けて、最初の0を除いた番号です。');
    expect(await h.hotline.store.callbacks.byCallSid(call.callSid)).toMatchObject({ phone: '+81312345678' });
  });

  it('PUT /api/numbers rejects an unknown language, naming the field', async () => {
    h = await startHarness({ engine });
    const res = await api(h, 'PUT', '/api/numbers/+15555550199', { language: 'fr-FR' });
    expect(res).toMatchObject({ status: 400, body: { field: 'language' } });
  });
});
