import { afterEach, describe, expect, it } from 'vitest';
import { placeCall, startTwimlServer, twiml, type TwimlServer } from './twimlServer.js';

let server: TwimlServer;
afterEach(async () => server?.close());

const routes = {
  '/voice/incoming': twiml('<Enqueue waitUrl="/voice/hold" action="/voice/dequeued">p1-premium</Enqueue><Say>Back from the queue.</Say>'),
  '/voice/hold': twiml(
    '<Say>All agents are busy.</Say><Play>https://example.com/hold.mp3</Play><Gather numDigits="1" action="/voice/hold/key"><Say>Press 0 to leave a callback request.</Say></Gather>',
  ),
  '/voice/hold/key': (params: Record<string, string>) => twiml(params.Digits === '0' ? '<Leave/>' : '<Say>Please keep holding.</Say>'),
  '/voice/dequeued': (params: Record<string, string>) =>
    twiml(params.QueueResult === 'leave' ? '<Say>We will call you back.</Say><Hangup/>' : '<Say>never heard</Say>'),
  '/voice/status': '',
};

describe('Enqueue', () => {
  it('requests the waitUrl with queue parameters, then an agent picks up: QueueResult=bridged', async () => {
    server = await startTwimlServer(routes);
    const t = await placeCall(server, ['', 'queue:bridged']);
    expect(server.received.every((r) => r.signatureValid)).toBe(true);
    expect(server.to('/voice/hold')[0]!.params).toMatchObject({
      QueuePosition: '1',
      QueueSid: expect.stringMatching(/^QU[0-9a-f]{32}$/),
      QueueTime: '0',
      CurrentQueueSize: '1',
    });
    const [dequeued] = server.to('/voice/dequeued');
    expect(dequeued!.params).toMatchObject({ QueueResult: 'bridged', QueueSid: server.to('/voice/hold')[0]!.params.QueueSid });
    expect(Number(dequeued!.params.QueueTime)).toBeGreaterThan(0);
    expect(t.said()).toEqual(['All agents are busy.', 'Press 0 to leave a callback request.']);
    expect(t.events.filter((e) => e.kind === 'enqueue' || e.kind === 'queue-result').map((e) => e.kind)).toEqual([
      'enqueue',
      'queue-result',
    ]);
    expect(t.endReason).toBe('caller-hung-up');
  });

  it('a key in the wait Gather follows its action, and <Leave/> continues with the Enqueue action', async () => {
    server = await startTwimlServer(routes);
    const t = await placeCall(server, ['0']);
    expect(server.to('/voice/hold/key')[0]!.params).toMatchObject({ Digits: '0', QueuePosition: '1' });
    expect(server.to('/voice/dequeued')[0]!.params.QueueResult).toBe('leave');
    expect(t.said().at(-1)).toBe('We will call you back.');
    expect(t.endReason).toBe('hangup');
  });

  it('a caller who gives up waiting hangs up: QueueResult=hangup', async () => {
    server = await startTwimlServer(routes);
    const t = await placeCall(server, ['', 'queue:hangup']);
    expect(server.to('/voice/dequeued')[0]!.params).toMatchObject({ QueueResult: 'hangup', CallStatus: 'completed' });
    expect(t.endReason).toBe('caller-hung-up');
  });

  it('after Leave without an action, runs the verb after Enqueue', async () => {
    server = await startTwimlServer({
      ...routes,
      '/voice/incoming': twiml('<Enqueue waitUrl="/voice/hold">p2</Enqueue><Say>Back from the queue.</Say>'),
    });
    const t = await placeCall(server, ['0']);
    expect(t.said().at(-1)).toBe('Back from the queue.');
  });
});
