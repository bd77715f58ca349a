import { afterEach, describe, expect, it } from 'vitest';
import { ACCOUNT_SID, placeCall, startTwimlServer, twiml, type Route, type TwimlServer } from './twimlServer.js';

let server: TwimlServer;
const serve = async (routes: Record<string, Route>, options?: { publicBaseUrl?: string }) => {
  server = await startTwimlServer(routes, options);
  return server;
};
afterEach(async () => server?.close());

describe('the call as Twilio places it', () => {
  it('posts /voice/incoming signed with the standard parameters, ringing first, then in-progress', async () => {
    await serve({
      '/voice/incoming': twiml('<Say>Welcome.</Say><Gather action="/voice/next" numDigits="1"><Say>Press 1.</Say></Gather>'),
      '/voice/next': twiml('<Say>Goodbye.</Say><Hangup/>'),
      '/voice/status': '',
    });
    const t = await placeCall(server, ['1']);

    expect(server.received.every((r) => r.signatureValid)).toBe(true);
    const [incoming, next, status] = server.received;
    expect(server.received.map((r) => r.path)).toEqual(['/voice/incoming', '/voice/next', '/voice/status']);
    expect(incoming!.params).toEqual({
      CallSid: expect.stringMatching(/^CA[0-9a-f]{32}$/),
      AccountSid: ACCOUNT_SID,
      From: '+15555550100',
      To: '+15555550199',
      Caller: '+15555550100',
      Called: '+15555550199',
      CallStatus: 'ringing',
      Direction: 'inbound',
      ApiVersion: '2010-04-01',
    });
    expect(next!.params).toMatchObject({ CallSid: incoming!.params.CallSid, CallStatus: 'in-progress', Digits: '1' });
    expect(status!.params).toMatchObject({ CallSid: incoming!.params.CallSid, CallStatus: 'completed' });
    expect(Number(status!.params.CallDuration)).toBeGreaterThan(0);

    expect(t.said()).toEqual(['Welcome.', 'Press 1.', 'Goodbye.']);
    expect(t.endReason).toBe('hangup');
    expect(t.ok).toBe(true);
    expect(t.twiml).toHaveLength(2);
    expect(t.requests.map((r) => [r.path, r.status])).toEqual([
      ['/voice/incoming', 200],
      ['/voice/next', 200],
      ['/voice/status', 200],
    ]);
  });

  it('records the language and voice of each Say', async () => {
    await serve({
      '/voice/incoming': twiml('<Say language="ja-JP" voice="Polly.Mizuki">こんにちは</Say>'),
      '/voice/status': '',
    });
    const t = await placeCall(server, []);
    expect(t.events[0]).toEqual({ kind: 'say', leg: 'caller', text: 'こんにちは', language: 'ja-JP', voice: 'Polly.Mizuki' });
    expect(t.endReason).toBe('no-more-verbs');
  });

  it('signs over the public URL while sending to the listening address', async () => {
    await serve(
      { '/voice/incoming': twiml('<Redirect>/voice/next?step=2</Redirect>'), '/voice/next': twiml('<Hangup/>'), '/voice/status': '' },
      { publicBaseUrl: 'https://hotline.example.com' },
    );
    const t = await placeCall(server, []);
    expect(server.received.map((r) => [r.path, r.signatureValid])).toEqual([
      ['/voice/incoming', true],
      ['/voice/next?step=2', true],
      ['/voice/status', true],
    ]);
    expect(t.requests[1]!.url).toBe('https://hotline.example.com/voice/next?step=2');
  });

  it('sends an anonymous caller as anonymous', async () => {
    await serve({ '/voice/incoming': twiml('<Hangup/>'), '/voice/status': '' });
    await placeCall(server, [], { from: 'anonymous', callSid: `CA${'1'.repeat(32)}` });
    expect(server.received[0]!.params).toMatchObject({ From: 'anonymous', Caller: 'anonymous', CallSid: `CA${'1'.repeat(32)}` });
  });
});

describe('Gather', () => {
  const gatherThen = (gather: string, after = '') => ({
    '/voice/incoming': twiml(`${gather}${after}`),
    '/voice/next': twiml('<Hangup/>'),
    '/voice/status': '',
  });

  it('sends the keys before finishOnKey (default #) as Digits', async () => {
    await serve(gatherThen('<Gather action="/voice/next"><Say>ID then hash</Say></Gather>'));
    const t = await placeCall(server, ['4111 1111#99']);
    expect(server.to('/voice/next')[0]!.params).toMatchObject({ Digits: '41111111', FinishedOnKey: '#' });
    expect(t.events.filter((e) => e.kind === 'input')).toEqual([
      { kind: 'input', leg: 'caller', typed: '4111 1111#99', digits: '41111111' },
    ]);
  });

  it('stops at numDigits', async () => {
    await serve(gatherThen('<Gather action="/voice/next" numDigits="3"/>'));
    await placeCall(server, ['12345']);
    expect(server.to('/voice/next')[0]!.params.Digits).toBe('123');
  });

  it("keeps # as a digit when finishOnKey is ''", async () => {
    await serve(gatherThen('<Gather action="/voice/next" finishOnKey=""/>'));
    await placeCall(server, ['12#']);
    expect(server.to('/voice/next')[0]!.params).toMatchObject({ Digits: '12#', FinishedOnKey: '' });
  });

  it('on silence makes no request and runs the next verb', async () => {
    await serve(gatherThen('<Gather action="/voice/next"><Say>Enter your ID.</Say></Gather>', '<Say>We did not hear you.</Say>'));
    const t = await placeCall(server, ['silence']);
    expect(server.to('/voice/next')).toEqual([]);
    expect(t.said()).toEqual(['Enter your ID.', 'We did not hear you.']);
    expect(t.endReason).toBe('no-more-verbs');
  });

  it('on silence with nothing after the Gather ends the call', async () => {
    await serve(gatherThen('<Gather action="/voice/next"/>'));
    const t = await placeCall(server, ['']);
    expect(server.received.map((r) => r.path)).toEqual(['/voice/incoming', '/voice/status']);
    expect(t.endReason).toBe('no-more-verbs');
  });

  it('treats a lone finishOnKey as silence', async () => {
    await serve(gatherThen('<Gather action="/voice/next"/>'));
    await placeCall(server, ['#']);
    expect(server.to('/voice/next')).toEqual([]);
  });

  it('with actionOnEmptyResult="true" posts the action with empty Digits on silence', async () => {
    await serve(gatherThen('<Gather action="/voice/next" actionOnEmptyResult="true"/>', '<Say>never heard</Say>'));
    const t = await placeCall(server, []);
    expect(server.to('/voice/next')[0]!.params.Digits).toBe('');
    expect(t.said()).toEqual([]);
  });

  it('without an action posts to the current document URL, query included', async () => {
    let calls = 0;
    await serve({
      '/voice/incoming': twiml('<Redirect>/voice/menu?lang=en</Redirect>'),
      '/voice/menu': () => (++calls === 1 ? twiml('<Gather numDigits="1"/>') : twiml('<Hangup/>')),
      '/voice/status': '',
    });
    await placeCall(server, ['2']);
    expect(server.to('/voice/menu').map((r) => [r.path, r.params.Digits])).toEqual([
      ['/voice/menu?lang=en', undefined],
      ['/voice/menu?lang=en', '2'],
    ]);
  });

  it('uses GET when the Gather says method="GET", with the parameters in the signed query', async () => {
    await serve(gatherThen('<Gather action="/voice/next?x=1" method="GET"/>'));
    await placeCall(server, ['7#']);
    const [get] = server.to('/voice/next');
    expect(get!.method).toBe('GET');
    expect(get!.signatureValid).toBe(true);
    expect(new URL(get!.path, 'http://x').searchParams.get('Digits')).toBe('7');
  });
});

describe('Redirect, Hangup and Reject', () => {
  it('follows a relative Redirect against the current document, POST by default', async () => {
    await serve({
      '/voice/incoming': twiml('<Say>One</Say><Redirect>flows/two</Redirect><Say>skipped</Say>'),
      '/voice/flows/two': twiml('<Say>Two</Say><Redirect method="GET">/voice/three</Redirect>'),
      '/voice/three': twiml('<Say>Three</Say><Hangup/><Say>never</Say>'),
      '/voice/status': '',
    });
    const t = await placeCall(server, []);
    expect(server.received.map((r) => [r.method, r.path.split('?')[0]])).toEqual([
      ['POST', '/voice/incoming'],
      ['POST', '/voice/flows/two'],
      ['GET', '/voice/three'],
      ['POST', '/voice/status'],
    ]);
    expect(t.said()).toEqual(['One', 'Two', 'Three']);
    expect(t.events.filter((e) => e.kind === 'redirect').length).toBe(2);
    expect(t.endReason).toBe('hangup');
  });

  it('ends the call on Reject', async () => {
    await serve({ '/voice/incoming': twiml('<Reject reason="busy"/><Say>never</Say>'), '/voice/status': '' });
    const t = await placeCall(server, []);
    expect(t.endReason).toBe('rejected');
    expect(t.said()).toEqual([]);
  });
});
