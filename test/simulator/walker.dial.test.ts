import { afterEach, describe, expect, it } from 'vitest';
import { placeCall, startTwimlServer, twiml, type Route, type TwimlServer } from './twimlServer.js';

let server: TwimlServer;
afterEach(async () => server?.close());

const AGENT_1 = '+15555550111';
const AGENT_2 = '+15555550122';

// The press-1-to-accept whisper from the facts file: only the key bridges; a timeout hangs up.
const whisperRoutes: Record<string, Route> = {
  '/voice/whisper': twiml(
    '<Gather numDigits="1" action="/voice/whisper/accept"><Say>Verified caller, priority 1. Press 1 to accept.</Say></Gather><Hangup/>',
  ),
  '/voice/whisper/accept': (params) => twiml(params.Digits === '1' ? '<Say>Connecting.</Say>' : '<Hangup/>'),
  '/voice/status': '',
};

const dialTo = (agent: string, action = '/voice/dialed?agent=0') =>
  `<Say>Connecting you.</Say><Dial action="${action}" answerOnBridge="true"><Number url="/voice/whisper?call=1">${agent}</Number></Dial>`;

describe('Dial with a whisper', () => {
  it('an agent who presses 1 is bridged, and the action hears DialBridged=true', async () => {
    server = await startTwimlServer({
      ...whisperRoutes,
      '/voice/incoming': twiml(dialTo(AGENT_1)),
      '/voice/dialed': twiml('<Say>never heard: the caller is gone</Say>'),
    });
    const t = await placeCall(server, ['agent:accept']);
    const callSid = server.received[0]!.params.CallSid;

    expect(server.received.every((r) => r.signatureValid)).toBe(true);
    const [whisper] = server.to('/voice/whisper');
    expect(whisper!.path).toBe('/voice/whisper?call=1');
    expect(whisper!.params).toMatchObject({
      CallSid: expect.stringMatching(/^CA[0-9a-f]{32}$/),
      ParentCallSid: callSid,
      To: AGENT_1,
      From: '+15555550100',
      Direction: 'outbound-dial',
      CallStatus: 'in-progress',
    });
    expect(whisper!.params.CallSid).not.toBe(callSid);
    const [accept] = server.to('/voice/whisper/accept');
    expect(accept!.params).toMatchObject({ CallSid: whisper!.params.CallSid, Digits: '1', Direction: 'outbound-dial' });

    const [dialed] = server.to('/voice/dialed');
    expect(dialed!.params).toMatchObject({
      CallSid: callSid,
      DialCallStatus: 'completed',
      DialBridged: 'true',
      DialCallSid: whisper!.params.CallSid,
      CallStatus: 'completed',
    });
    expect(Number(dialed!.params.DialCallDuration)).toBeGreaterThan(0);

    expect(t.dials()).toEqual([{ number: AGENT_1, url: '/voice/whisper?call=1' }]);
    expect(t.agentHeard()).toEqual(['Verified caller, priority 1. Press 1 to accept.', 'Connecting.']);
    expect(t.said()).toEqual(['Connecting you.']);
    expect(t.events.find((e) => e.kind === 'dial-result')).toEqual({ kind: 'dial-result', status: 'completed', bridged: true, number: AGENT_1 });
    expect(t.endReason).toBe('caller-hung-up');
    expect(server.to('/voice/status')[0]!.params.CallStatus).toBe('completed');
  });

  it('an agent who presses no key is hung up on: completed, DialBridged=false, and the action moves on', async () => {
    server = await startTwimlServer({
      ...whisperRoutes,
      '/voice/incoming': twiml(dialTo(AGENT_1)),
      '/voice/dialed': (params) =>
        twiml(params.DialBridged === 'true' ? '' : dialTo(AGENT_2, '/voice/dialed?agent=1').replace('<Say>Connecting you.</Say>', '')),
    });
    const t = await placeCall(server, ['agent:no-key', 'agent:accept']);

    // Only the second agent pressed a key; the first one's Gather timed out into <Hangup/>.
    expect(server.to('/voice/whisper/accept').map((r) => r.params.To)).toEqual([AGENT_2]);
    const [first, second] = server.to('/voice/dialed');
    expect(first!.params).toMatchObject({ DialCallStatus: 'completed', DialBridged: 'false', CallStatus: 'in-progress' });
    expect(second!.params).toMatchObject({ DialCallStatus: 'completed', DialBridged: 'true' });
    expect(t.dials().map((d) => d.number)).toEqual([AGENT_1, AGENT_2]);
    expect(t.events.filter((e) => e.kind === 'hangup')).toEqual([{ kind: 'hangup', leg: 'agent', verb: 'Hangup' }]);
  });

  it('bridges an agent who presses nothing when the whisper has no Hangup after its Gather', async () => {
    server = await startTwimlServer({
      '/voice/incoming': twiml(dialTo(AGENT_1)),
      '/voice/whisper': twiml('<Gather numDigits="1" action="/voice/whisper/accept"><Say>Press 1.</Say></Gather>'),
      '/voice/dialed': '',
      '/voice/status': '',
    });
    await placeCall(server, ['agent:no-key']);
    expect(server.to('/voice/dialed')[0]!.params.DialBridged).toBe('true');
  });

  it('an agent who does not answer gets no whisper request and the action hears no-answer', async () => {
    server = await startTwimlServer({
      ...whisperRoutes,
      '/voice/incoming': twiml(dialTo(AGENT_1)),
      '/voice/dialed': twiml('<Say>Nobody answered. We will call you back.</Say><Hangup/>'),
    });
    const t = await placeCall(server, ['agent:no-answer']);
    expect(server.to('/voice/whisper')).toEqual([]);
    expect(server.to('/voice/dialed')[0]!.params).toMatchObject({ DialCallStatus: 'no-answer', DialBridged: 'false' });
    expect(t.said()).toEqual(['Connecting you.', 'Nobody answered. We will call you back.']);
    expect(t.endReason).toBe('hangup');
  });

  it('with several Numbers in one Dial, the first that answers wins and the rest stop ringing', async () => {
    server = await startTwimlServer({
      ...whisperRoutes,
      '/voice/incoming': twiml(
        `<Dial action="/voice/dialed"><Number url="/voice/whisper">${AGENT_1}</Number><Number url="/voice/whisper">${AGENT_2}</Number><Number>+15555550133</Number></Dial>`,
      ),
      '/voice/dialed': '',
    });
    const t = await placeCall(server, ['agent:no-answer', 'agent:accept']);
    expect(t.dials().map((d) => d.number)).toEqual([AGENT_1, AGENT_2]);
    expect(server.to('/voice/whisper')[0]!.params.To).toBe(AGENT_2);
  });

  it('without an action, an unbridged Dial runs the next verb and a bridged one ends the call', async () => {
    server = await startTwimlServer({
      '/voice/incoming': twiml(`<Dial>${AGENT_1}</Dial><Say>Still here.</Say>`),
      '/voice/status': '',
    });
    const unanswered = await placeCall(server, ['agent:no-answer']);
    expect(unanswered.said()).toEqual(['Still here.']);
    const answered = await placeCall(server, ['agent:accept']);
    expect(answered.said()).toEqual([]);
    expect(answered.endReason).toBe('caller-hung-up');
  });

  it('uses the Dial callerId as the agent leg From', async () => {
    server = await startTwimlServer({
      ...whisperRoutes,
      '/voice/incoming': twiml(`<Dial callerId="+15555550199"><Number url="/voice/whisper">${AGENT_1}</Number></Dial>`),
    });
    await placeCall(server, ['agent:accept']);
    expect(server.to('/voice/whisper')[0]!.params.From).toBe('+15555550199');
  });
});
