import { afterEach, describe, expect, it } from 'vitest';
import { placeCall, startTwimlServer, twiml, type TwimlServer } from './twimlServer.js';

let server: TwimlServer;
afterEach(async () => server?.close());

const routes = {
  '/voice/incoming': twiml('<Say>Describe the problem after the tone.</Say><Record action="/voice/recorded" maxLength="120"/><Say>No recording heard.</Say>'),
  '/voice/recorded': twiml('<Say>Thank you.</Say><Hangup/>'),
  '/voice/status': '',
};

describe('Record', () => {
  it('posts the action with a recording URL, its duration and the key that ended it', async () => {
    server = await startTwimlServer(routes);
    const t = await placeCall(server, ['our checkout page returns errors in every region']);
    const [recorded] = server.to('/voice/recorded');
    expect(recorded!.signatureValid).toBe(true);
    expect(recorded!.params).toMatchObject({
      CallStatus: 'in-progress',
      RecordingUrl: expect.stringMatching(/^https:\/\/api\.twilio\.com\/.+\/Recordings\/RE[0-9a-f]{32}$/),
      RecordingSid: expect.stringMatching(/^RE[0-9a-f]{32}$/),
      Digits: '#',
    });
    expect(Number(recorded!.params.RecordingDuration)).toBeGreaterThan(0);
    expect(t.said()).toEqual(['Describe the problem after the tone.', 'Thank you.']);
    expect(t.events.find((e) => e.kind === 'record')).toMatchObject({ text: 'our checkout page returns errors in every region', hangup: false });
  });

  it('on an empty recording makes no request and runs the next verb, as Twilio documents', async () => {
    server = await startTwimlServer(routes);
    const t = await placeCall(server, ['silence']);
    expect(server.to('/voice/recorded')).toEqual([]);
    expect(t.said()).toEqual(['Describe the problem after the tone.', 'No recording heard.']);
    expect(t.endReason).toBe('no-more-verbs');
  });

  it('when the caller hangs up after speaking, posts Digits=hangup and ignores the answer', async () => {
    server = await startTwimlServer(routes);
    const t = await placeCall(server, ['hangup:site down call me back']);
    expect(server.to('/voice/recorded')[0]!.params).toMatchObject({ Digits: 'hangup', CallStatus: 'completed' });
    expect(t.said()).toEqual(['Describe the problem after the tone.']);
    expect(t.endReason).toBe('caller-hung-up');
    expect(server.to('/voice/status')).toHaveLength(1);
  });
});
