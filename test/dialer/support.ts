import { expect } from 'vitest';
import type { CallbackPriority, CallbackReason } from '../../src/domain/storage/callbacks.js';
import type { Tier } from '../../src/domain/customer.js';
import type { CallbackDialer } from '../../src/dialer/dialer.js';
import { scripted } from '../../src/simulator/input.js';
import { simulateCall } from '../../src/simulator/walker.js';
import type { Transcript } from '../../src/simulator/transcript.js';
import { api, startHarness, TEST_ACCOUNT_SID, TEST_AUTH_TOKEN, type Harness } from '../support/harness.js';
import {
  dialOrderOf,
  spokenText,
  startTwilioStandIn,
  verbsOf,
  type DialOrder,
  type StandInCall,
  type TwilioStandIn,
} from '../support/twilioStandIn.js';
import type { TwimlNode } from '../../src/simulator/twiml.js';
import type { Engine } from '../support/postgres.js';

export const CALLER_ID = '+15005550006';
export const MINUTE = 60_000;

export interface DialerHarness {
  h: Harness;
  twilio: TwilioStandIn;
  worker: CallbackDialer;
  close(): Promise<void>;
}

/** The real server and database, the real twilio client pointed at a local stand-in, and a dialer driven by tick(). */
export async function startDialerHarness(options: { env?: Record<string, string>; now?: number; engine?: Engine } = {}): Promise<DialerHarness> {
  const twilio = await startTwilioStandIn({ accountSid: TEST_ACCOUNT_SID, authToken: TEST_AUTH_TOKEN });
  const h = await startHarness({
    env: { HOTLINE_TWILIO_API_URL: twilio.url, HOTLINE_CALLER_ID: CALLER_ID, ...options.env },
    ...(options.engine && { engine: options.engine }),
    ...(options.now !== undefined && { now: options.now }),
  });
  const worker = h.hotline.callbackDialing.createWorker({ owner: 'test-worker' });
  return {
    h,
    twilio,
    worker,
    async close() {
      await worker.stop();
      await h.hotline.callbackDialing.confirmations.idle();
      await h.hotline.callbackDialing.escalations.idle();
      await h.close();
      await twilio.close();
    },
  };
}

let phoneSeq = 100;
/** An on-duty agent through the admin API. */
export async function addAgent(h: Harness, options: { name?: string; languages?: string[] } = {}) {
  const res = await api(h, 'POST', '/api/agents', {
    name: options.name ?? `Agent ${phoneSeq}`,
    phone: `+1415555${String(phoneSeq++).padStart(4, '0')}`,
    languages: options.languages ?? ['en-US'],
    onDuty: true,
  });
  expect(res.status).toBe(201);
  return res.body as { agentId: number; phone: string; name: string };
}

/** An Enterprise customer through the admin API. */
export async function addCustomer(h: Harness, options: { name?: string; tier?: Tier } = {}) {
  const res = await api(h, 'POST', '/api/customers', { name: options.name ?? 'Acme Corp', plan: 'enterprise', tier: options.tier ?? 'premium' });
  expect(res.status).toBe(201);
  return res.body as { customerId: string; name: string };
}

let referenceSeq = 1_000_000;
/** A callback promise as a call's flow records it (the flow's own repository operation). */
export async function scheduleCallback(
  h: Harness,
  customerId: string,
  options: { tier?: Tier; priority?: CallbackPriority; dueInMs?: number; phone?: string; language?: string; reason?: CallbackReason } = {},
) {
  const now = h.clock.now();
  return await h.hotline.store.callbacks.schedule({
    reference: String(referenceSeq++),
    customerId,
    callSid: null,
    priority: options.priority ?? 'P2',
    tier: options.tier ?? 'premium',
    phone: options.phone ?? '+14155550199',
    // Booked to the number the customer called from, as a P2 call does by default.
    callerPhone: options.phone ?? '+14155550199',
    language: options.language ?? 'en-US',
    reason: options.reason ?? 'p2',
    createdAt: now,
    dueAt: now + (options.dueInMs ?? 2 * 60 * MINUTE),
  });
}

/** Polls `probe` (a read of the store) until it gives a value: the stand-in's waitFor, for reads that are promises. */
export async function eventually<T>(probe: () => Promise<T | undefined | null | false>, what = 'condition', timeoutMs = 5000): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined && value !== null && value !== false) return value;
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

/** The callback as GET /api/callbacks shows it. */
export async function callbackInApi(h: Harness, callbackId: number) {
  const res = await api(h, 'GET', '/api/callbacks');
  expect(res.status).toBe(200);
  return (res.body.items as Array<Record<string, any>>).find((c) => c.callbackId === callbackId)!;
}

/** The callback a dialer call is for (its whisper URL names it). */
export const callbackOf = (call: StandInCall) => Number(new URL(call.url!).searchParams.get('callback'));

/** The agent answers the dialer's call and hears the whisper. */
export async function agentAnswers(twilio: TwilioStandIn, call: StandInCall) {
  await twilio.sendStatus(call, 'initiated');
  await twilio.sendStatus(call, 'ringing');
  await twilio.sendStatus(call, 'in-progress');
  const whisper = await twilio.answer(call);
  const gather = verbsOf(whisper).find((v) => v.name === 'Gather');
  return { whisper, gather, text: spokenText(whisper) };
}

/** The agent answers and presses `digits` (1 accepts): the TwiML of the accept, and the Dial to the customer if any. */
export async function agentAccepts(twilio: TwilioStandIn, call: StandInCall, digits = '1') {
  const { whisper, gather } = await agentAnswers(twilio, call);
  expect(gather, 'the whisper gathers a key').toBeDefined();
  const accepted = await twilio.press(call, gather!, digits);
  return { whisper, accepted, order: dialOrderOf(accepted) };
}

export type CustomerOutcome = 'answers' | 'voicemail' | 'no-answer' | 'busy';

/**
 * Twilio's side of the agent's Dial to the customer: the child leg's status callbacks, the gate on
 * the customer's leg when answered (a person presses a key; a voicemail presses none, the gate hangs
 * up and the legs are never bridged), then the Dial action on the agent's leg; then the agent's leg ends.
 */
export async function customerLeg(twilio: TwilioStandIn, agentCall: StandInCall, order: DialOrder, outcome: CustomerOutcome) {
  const child = twilio.dialChild(agentCall, order);
  await twilio.sendStatus(child, 'initiated');
  await twilio.sendStatus(child, 'ringing');
  let announcement: TwimlNode | undefined;
  let connecting: TwimlNode | undefined;
  const answered = outcome === 'answers' || outcome === 'voicemail';
  if (answered) {
    await twilio.sendStatus(child, 'in-progress');
    announcement = await twilio.answer(child);
    if (outcome === 'answers') {
      const gate = verbsOf(announcement).find((v) => v.name === 'Gather');
      expect(gate, "the customer's leg waits for a key").toBeDefined();
      connecting = await twilio.press(child, gate!, '5');
    }
    await twilio.sendStatus(child, 'completed', { duration: outcome === 'answers' ? 300 : 25 });
  } else {
    await twilio.sendStatus(child, outcome);
  }
  const afterDial = await twilio.action(agentCall, order.action!, {
    DialCallStatus: answered ? 'completed' : outcome,
    DialCallSid: child.sid,
    DialCallDuration: outcome === 'answers' ? '300' : '0',
    DialBridged: String(outcome === 'answers'),
  });
  await twilio.sendStatus(agentCall, 'completed');
  return { child, announcement, connecting, afterDial };
}

/** One whole dial round: the next call the dialer placed, accepted, and the customer's outcome. */
export async function playRound(d: DialerHarness, outcome: CustomerOutcome) {
  const before = d.twilio.apiCalls.length;
  await d.worker.tick();
  expect(d.twilio.apiCalls.length, 'the dialer rang an agent').toBe(before + 1);
  const call = d.twilio.apiCalls.at(-1)!;
  const { accepted, order, whisper } = await agentAccepts(d.twilio, call);
  expect(order, 'accepting dials the customer').toBeDefined();
  const leg = await customerLeg(d.twilio, call, order!, outcome);
  return { call, accepted, order: order!, whisper, ...leg };
}

/** Places a verified call through the simulator with `keys` after the ID and code (e.g. ['2', ''] for a P2). */
export async function simulatedCall(
  h: Harness,
  options: { customerId: string; from: string; to: string; keys: string[] },
): Promise<Transcript> {
  const code = await api(h, 'GET', `/api/customers/${options.customerId}/one-time-token`);
  expect(code.status).toBe(200);
  return simulateCall({
    baseUrl: h.url,
    authToken: TEST_AUTH_TOKEN,
    accountSid: TEST_ACCOUNT_SID,
    from: options.from,
    to: options.to,
    input: scripted([`${options.customerId}#`, code.body.code as string, ...options.keys]),
  });
}
