import fc from 'fast-check';
import twilio from 'twilio';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, startHarness, type Harness } from '../support/harness.js';
import { FUZZ_TIMEOUT_MS, anyValue, assertTwiml, fastTempDir, fuzzParameters, recordUnhandledRejections, text } from './support/fuzzing.js';

// Random, malformed, oversized, repeated and out-of-order Twilio webhooks against a real server:
// every answer must be TwiML, or a 4xx for a request that was refused before anything was acted on
// (unsigned, too large, or with parameters Twilio would not send).
const BACKUP = '+15555550123';
const LINE = '+15555550199';
const VOICE_ROUTES = [
  '/voice/incoming', '/voice/step', '/voice/whisper', '/voice/whisper/accept', '/voice/status', '/voice/fallback',
  '/voice/queue/wait', '/voice/queue/key',
  '/voice/callback/agent', '/voice/callback/accept', '/voice/callback/customer', '/voice/callback/customer-key', '/voice/callback/dialed', '/voice/callback/status',
] as const;
type Route = (typeof VOICE_ROUTES)[number];

/** One request as generated: everything the server sees, before the call's SID is chosen for the run. */
interface Shape {
  route: Route;
  /** Index into the run's calls, or 'unknown' (a well-formed SID no call has) or a raw value. */
  call: number | 'unknown' | { raw: string } | 'missing';
  query: Record<string, string>;
  digits: 'id' | 'code' | 'missing' | { raw: string };
  extra: Array<[string, string]>;
  huge: boolean;
  signature: 'valid' | 'missing' | 'forged';
  /** The call's status as sent; default in-progress. */
  callStatus?: string;
}

const CLEAN_KEY = fc.stringMatching(/^[A-Z][A-Za-z0-9]{0,15}$/);
const stepValue = fc.oneof(
  fc.nat({ max: 12 }).map(String),
  fc.constantFrom('-1', '', 'abc', '1e3', '9007199254740993', '0x1', ' 1', '1.5', '１'),
  text(12),
);
// Query values stay short: Node refuses request lines over 16 kB with a 431 before any code runs.
const queryValue = fc.oneof(text(60), fc.constantFrom('', '0', '-1', '%', '&', '=', '\u0000', '🙂'));

/**
 * Whether Twilio could have sent these parameters to this route: each name once, the call's SID (and
 * on a status callback its status), and Digits only keys. Anything else is refused with a 400.
 */
function asTwilioSends(route: Route, pairs: ReadonlyArray<[string, string]>): boolean {
  const names = pairs.map(([name]) => name);
  if (new Set(names).size !== names.length) return false;
  if ((route.endsWith('/status') ? ['CallSid', 'CallStatus'] : ['CallSid']).some((name) => !names.includes(name))) return false;
  const digits = pairs.find(([name]) => name === 'Digits');
  return digits === undefined || /^(?:[0-9*#]*|hangup)$/.test(digits[1]);
}

const shape: fc.Arbitrary<Shape> = fc.record({
  route: fc.constantFrom(...VOICE_ROUTES),
  call: fc.oneof(
    { weight: 6, arbitrary: fc.nat({ max: 3 }) },
    { weight: 1, arbitrary: fc.constant('unknown' as const) },
    { weight: 1, arbitrary: fc.constant('missing' as const) },
    { weight: 1, arbitrary: queryValue.map((raw) => ({ raw })) },
  ),
  query: fc.record(
    {
      step: stepValue,
      agent: fc.oneof(fc.nat({ max: 5 }).map(String), queryValue),
      leg: fc.oneof(fc.nat({ max: 5 }).map(String), queryValue),
      lang: fc.oneof(fc.constantFrom('en-US', 'ja-JP'), queryValue),
      other: queryValue,
    },
    { requiredKeys: [] },
  ),
  digits: fc.oneof(
    { weight: 3, arbitrary: fc.constantFrom('id' as const, 'code' as const) },
    { weight: 1, arbitrary: fc.constant('missing' as const) },
    { weight: 4, arbitrary: fc.oneof(fc.constantFrom('1', '2', '3', '*', '#', '0'), anyValue).map((raw) => ({ raw })) },
  ),
  extra: fc.array(
    fc.tuple(
      fc.oneof(
        { weight: 4, arbitrary: CLEAN_KEY },
        { weight: 1, arbitrary: fc.constantFrom('CallSid', 'Digits', 'From', 'To', 'CallStatus', 'DialCallStatus', 'DialBridged', 'RecordingUrl', 'RecordingDuration', 'ErrorCode', 'QueueResult') },
      ),
      anyValue,
    ),
    { maxLength: 6 },
  ),
  huge: fc.boolean().map((b) => b && Math.random() < 0.1),
  signature: fc.oneof({ weight: 8, arbitrary: fc.constant('valid' as const) }, { weight: 1, arbitrary: fc.constantFrom('missing' as const, 'forged' as const) }),
});

describe('fuzzing every /voice webhook', () => {
  let h: Harness;
  let customerId: string;
  /** A second customer for the deep-call property, so the abuse in the first cannot lock it. */
  let callerId: string;
  let run = 0;
  const rejections = recordUnhandledRejections();

  beforeAll(async () => {
    h = await startHarness({ env: { HOTLINE_BACKUP_NUMBER: BACKUP }, dir: fastTempDir() });
    customerId = (await api(h, 'POST', '/api/customers', { name: 'Fuzz Co', plan: 'enterprise', tier: 'premium' })).body.customerId;
    callerId = (await api(h, 'POST', '/api/customers', { name: 'Deep Co', plan: 'enterprise', tier: 'standard' })).body.customerId;
    await api(h, 'POST', '/api/agents', { name: 'Agent', phone: '+15555550111', onDuty: true });
    await api(h, 'PUT', `/api/numbers/${encodeURIComponent('+15555550188')}`, { language: 'ja-JP' });
  });
  afterAll(async () => {
    rejections.stop();
    await h.close();
  });

  /** Builds and sends one generated request; returns what the server answered. */
  async function send(s: Shape, calls: string[], who = customerId) {
    const callSid =
      s.call === 'missing' ? undefined
      : s.call === 'unknown' ? `CA${'f'.repeat(24)}${String(run).padStart(8, '0')}`
      : typeof s.call === 'number' ? calls[s.call]!
      : s.call.raw;
    const query = new URLSearchParams();
    if (s.route === '/voice/step') query.set('step', s.query.step ?? String((await h.hotline.store.calls.get(callSid ?? ''))?.step ?? 0));
    if (s.route.startsWith('/voice/whisper') || s.route.startsWith('/voice/queue')) query.set('call', typeof s.call === 'number' ? calls[s.call]! : (callSid ?? ''));
    if (s.route.startsWith('/voice/whisper') && s.query.agent !== undefined) query.set('agent', s.query.agent);
    if (s.route.startsWith('/voice/callback')) {
      if (s.query.agent !== undefined) query.set('callback', s.query.agent);
      if (s.query.leg !== undefined) query.set('leg', s.query.leg);
    }
    if (s.query.lang !== undefined) query.set('lang', s.query.lang);
    if (s.query.other !== undefined) query.set('x', s.query.other);
    const path = `${s.route}${query.size ? `?${query}` : ''}`;

    const pairs: Array<[string, string]> = [
      ['AccountSid', h.config.twilio.accountSid],
      ['From', '+14155550100'],
      ['To', calls.indexOf(callSid ?? '') % 2 === 1 ? '+15555550188' : LINE],
      ['CallStatus', s.callStatus ?? 'in-progress'],
    ];
    if (callSid !== undefined) pairs.push(['CallSid', callSid]);
    if (s.digits === 'id') pairs.push(['Digits', who]);
    else if (s.digits === 'code') pairs.push(['Digits', (await h.hotline.customers.dashboardCode(who)).code]);
    else if (s.digits !== 'missing') pairs.push(['Digits', s.digits.raw]);
    pairs.push(...s.extra);
    if (s.huge) pairs.push(['Padding', 'x'.repeat(70 * 1024)]);

    // The parameters as the server's parser groups them: a repeated key becomes a list.
    const params: Record<string, string | string[]> = {};
    for (const [k, v] of pairs) {
      const seen = params[k];
      params[k] = seen === undefined ? v : Array.isArray(seen) ? [...seen, v] : [seen, v];
    }
    const headers: Record<string, string> = { 'content-type': 'application/x-www-form-urlencoded' };
    if (s.signature === 'valid') headers['x-twilio-signature'] = twilio.getExpectedTwilioSignature(h.config.twilio.authToken, h.config.publicBaseUrl + path, params);
    if (s.signature === 'forged') headers['x-twilio-signature'] = twilio.getExpectedTwilioSignature('not-the-auth-token-0000', h.config.publicBaseUrl + path, params);
    const res = await fetch(h.url + path, { method: 'POST', headers, body: new URLSearchParams(pairs).toString() });
    return { status: res.status, type: res.headers.get('content-type') ?? '', body: await res.text(), path, asTwilioSends: asTwilioSends(s.route, pairs) };
  }

  it('answers every request with TwiML, or refuses it with a 4xx before acting on it; never a 5xx', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(shape, { minLength: 1, maxLength: 8 }), async (shapes) => {
        run += 1;
        const calls = [0, 1, 2, 3].map((i) => `CA${String(run).padStart(24, '0')}${String(i).padStart(8, '0')}`);
        for (const s of shapes) {
          const res = await send(s, calls);
          const where = `${res.status} for ${res.path}: ${res.body.slice(0, 300)}`;
          expect(res.status, where).toBeLessThan(500);
          if (s.signature !== 'valid') {
            // Refused unread: a missing or forged signature, or a body too large to read at all.
            expect([400, 403, 413], where).toContain(res.status);
            expect(res.type, where).toMatch(/^text\/plain/);
          } else if (s.huge) {
            expect(res.status, where).toBe(413);
          } else if (!res.asTwilioSends) {
            // Signed, but repeated, missing or malformed parameters: refused, nothing acted on.
            expect(res.status, where).toBe(400);
            expect(res.type, where).toMatch(/^text\/plain/);
          } else {
            expect(res.status, where).toBe(200);
            expect(res.type, where).toMatch(/^text\/xml/);
            assertTwiml(res.body);
          }
        }
      }),
      fuzzParameters(60),
    );
  }, FUZZ_TIMEOUT_MS);

  it('drives real calls with repeated, skipped and replayed steps, and each answer stays TwiML', async () => {
    // Mostly the answer a caller would give in the call's current state, so the flow goes deep (ID,
    // code, menus, transfer, queue, recording); sometimes any input, a replayed or a skipped step.
    const INPUTS = ['id', 'code', '1', '2', '3', '*', '', '999', '14155550177', 'dial-failed', 'dial-bridged', 'recorded', 'status'] as const;
    type Input = (typeof INPUTS)[number];
    const SENSIBLE: Record<string, Input[]> = {
      askId: ['id', 'id', 'id', '*', ''],
      askCode: ['code', 'code', 'code', '999', ''],
      askPriority: ['1', '1', '2', '3'],
      transfer: ['dial-failed', 'dial-bridged'],
      p2Menu: ['1', '2', ''],
      askCallbackNumber: ['14155550177', '999'],
      p2Record: ['recorded'],
    };
    const move = fc.record({
      call: fc.nat({ max: 1 }),
      stepOffset: fc.oneof({ weight: 8, arbitrary: fc.constant(0) }, { weight: 1, arbitrary: fc.constantFrom(-2, -1, 1) }),
      input: fc.oneof({ weight: 6, arbitrary: fc.nat().map((pick) => ({ sensible: pick })) }, { weight: 2, arbitrary: fc.constantFrom(...INPUTS) }),
    });
    await fc.assert(
      fc.asyncProperty(fc.array(move, { minLength: 1, maxLength: 14 }), async (moves) => {
        run += 1;
        // A day later: locks and the per-number limit from earlier runs have expired, and the code is new.
        h.clock.advance(25 * 60 * 60 * 1000);
        const calls = [0, 1].map((i) => `CA${String(run).padStart(24, '0')}${String(i).padStart(8, '0')}`);
        for (const generated of moves) {
          const callSid = calls[generated.call]!;
          const current = await h.hotline.store.calls.get(callSid);
          const choices = SENSIBLE[current?.state ?? 'askId'] ?? ['status'];
          const input: Input = typeof generated.input === 'object' ? choices[generated.input.sensible % choices.length]! : generated.input;
          const m = { ...generated, input };
          const extra: Array<[string, string]> = [];
          if (m.input === 'id') extra.push(['Digits', callerId]);
          else if (m.input === 'code') extra.push(['Digits', (await h.hotline.customers.dashboardCode(callerId)).code]);
          else if (m.input === 'dial-failed') extra.push(['DialCallStatus', 'no-answer'], ['DialBridged', 'false']);
          else if (m.input === 'dial-bridged') extra.push(['DialCallStatus', 'completed'], ['DialBridged', 'true']);
          else if (m.input === 'recorded') extra.push(['RecordingUrl', 'https://api.twilio.com/rec/RE1'], ['RecordingDuration', '7'], ['Digits', '#']);
          else if (m.input !== 'status') extra.push(['Digits', m.input]);
          const route: Route = m.input === 'status' ? '/voice/status' : current ? '/voice/step' : '/voice/incoming';
          const res = await send(
            {
              route,
              call: m.call,
              query: { step: String(Math.max(0, (current?.step ?? 0) + m.stepOffset)) },
              digits: 'missing',
              extra,
              huge: false,
              signature: 'valid',
              ...(m.input === 'status' && { callStatus: 'completed' }),
            },
            calls,
            callerId,
          );
          expect(res.status, `${res.path}: ${res.body}`).toBe(200);
          assertTwiml(res.body);
        }
      }),
      fuzzParameters(30),
    );
  }, FUZZ_TIMEOUT_MS);

  it('went deep into the flow: callers were verified, not stuck at the first prompt', async () => {
    const audit = await h.hotline.store.verification.audit({ limit: 100_000 });
    expect(audit.filter((a) => a.result === 'verified').length).toBeGreaterThan(0);
  });

  it('kept serving: no unhandled rejection, no webhook that failed inside, health and a new call still answer', async () => {
    expect(rejections.reasons).toEqual([]);
    const failures = h.logs.records().filter((r) => r.msg === 'voice webhook failed; caller sent to the backup line' || r.msg === 'callback webhook failed');
    expect(failures.map((r) => r.err)).toEqual([]);
    expect((await fetch(`${h.url}/healthz`)).status).toBe(200);
    expect((await fetch(`${h.url}/readyz`)).status).toBe(200);
    const res = await send({ route: '/voice/incoming', call: 'unknown', query: {}, digits: 'missing', extra: [], huge: false, signature: 'valid' }, []);
    expect(res.status).toBe(200);
    expect(assertTwiml(res.body).children.map((c) => c.name)).toContain('Gather');
  });
});
