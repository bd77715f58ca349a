import { afterEach, describe, expect, it } from 'vitest';
import { placeCall, startTwimlServer, twiml, type TwimlServer } from './twimlServer.js';

let server: TwimlServer;
afterEach(async () => server?.close());

describe('when the server misbehaves', () => {
  it('a 500 ends the walk with an error that keeps the status and body, and the status callback still comes', async () => {
    server = await startTwimlServer({
      '/voice/incoming': twiml('<Gather action="/voice/next"/>'),
      '/voice/next': { status: 500, body: 'boom' },
      '/voice/status': '',
    });
    const t = await placeCall(server, ['1#']);
    expect(t.ok).toBe(false);
    expect(t.endReason).toBe('error');
    expect(t.errors()).toEqual(['POST /voice/next: HTTP 500 boom']);
    expect(t.requests[1]).toMatchObject({ path: '/voice/next', status: 500, body: 'boom' });
    expect(server.to('/voice/status')).toHaveLength(1);
  });

  it('a status callback the server refuses is an error, after a call that otherwise ended normally', async () => {
    server = await startTwimlServer({ '/voice/incoming': twiml('<Hangup/>') });
    const t = await placeCall(server, []);
    expect(t.endReason).toBe('hangup');
    expect(t.errors()).toEqual(['POST /voice/status: HTTP 404 no such route']);
    expect(t.ok).toBe(false);
  });

  it('a body that is not TwiML is an error', async () => {
    server = await startTwimlServer({ '/voice/incoming': { status: 200, body: '{"ok":true}', contentType: 'application/json' }, '/voice/status': '' });
    const t = await placeCall(server, []);
    expect(t.errors()[0]).toMatch(/^POST \/voice\/incoming: the body is not XML/);
  });

  it('XML whose root is not <Response> is an error', async () => {
    server = await startTwimlServer({ '/voice/incoming': '<html><body>hi</body></html>', '/voice/status': '' });
    const t = await placeCall(server, []);
    expect(t.errors()[0]).toMatch(/<html>, not <Response>/);
  });

  it('a signature made with the wrong token is refused by the server, and the walk says so', async () => {
    server = await startTwimlServer({ '/voice/incoming': twiml('<Hangup/>'), '/voice/status': '' });
    const t = await placeCall(server, [], { authToken: 'not-the-token' });
    expect(server.received[0]!.signatureValid).toBe(false);
    expect(t.errors()[0]).toBe('POST /voice/incoming: HTTP 403 forged');
  });

  it('a flow that loops is stopped after 200 requests', async () => {
    server = await startTwimlServer({ '/voice/incoming': twiml('<Redirect>/voice/incoming</Redirect>'), '/voice/status': '' });
    const t = await placeCall(server, []);
    expect(server.to('/voice/incoming')).toHaveLength(200);
    expect(t.errors()).toEqual(['more than 200 requests on one call: the flow loops']);
    expect(server.to('/voice/status')).toHaveLength(1);
  });

  it('a verb the simulator cannot run is an error, not silently skipped', async () => {
    server = await startTwimlServer({ '/voice/incoming': twiml('<Connect><Stream url="wss://x"/></Connect>'), '/voice/status': '' });
    const t = await placeCall(server, []);
    expect(t.errors()).toEqual(['<Connect> is not supported on the caller leg by the simulator']);
  });

  it('Dial is refused inside a whisper, as Twilio refuses it', async () => {
    server = await startTwimlServer({
      '/voice/incoming': twiml('<Dial><Number url="/voice/whisper">+15555550111</Number></Dial>'),
      '/voice/whisper': twiml('<Dial>+15555550122</Dial>'),
      '/voice/status': '',
    });
    const t = await placeCall(server, ['agent:accept']);
    expect(t.errors()[0]).toMatch(/^<Dial> is not supported in a whisper/);
  });

  it('an unreachable server is an error, and no status callback is attempted', async () => {
    server = await startTwimlServer({});
    const url = server.url;
    await server.close();
    const t = await placeCall({ ...server, url, publicBaseUrl: url }, []);
    expect(t.requests).toHaveLength(1);
    expect(t.errors()[0]).toMatch(/^POST \/voice\/incoming: /);
    expect(t.endReason).toBe('error');
  });

  it('a failing script token is kept in the transcript instead of thrown', async () => {
    server = await startTwimlServer({ '/voice/incoming': twiml('<Gather action="/voice/next"/>'), '/voice/status': '' });
    const t = await placeCall(server, [
      () => {
        throw new Error('admin API down');
      },
    ]);
    expect(t.errors()).toEqual(['simulator: Error: admin API down']);
    expect(t.endReason).toBe('error');
  });
});
