import type { InputProvider } from './input.js';
import type { Leg, Transcript } from './transcript.js';
import type { Params, WebhookClient } from './webhookClient.js';

/** The caller's call as Twilio describes it in every request. */
export interface CallIdentity {
  callSid: string;
  accountSid: string;
  /** E.164 or 'anonymous'. */
  from: string;
  /** The dialed number. */
  to: string;
}

/** How long a bridged conversation lasts in simulated time (DialCallDuration, CallDuration). */
export const CONVERSATION_SECONDS = 120;

/** What every verb handler of one call shares. */
export interface CallContext {
  readonly call: CallIdentity;
  readonly transcript: Transcript;
  readonly http: WebhookClient;
  readonly input: InputProvider;
  readonly clock: CallClock;
  /** CallStatus of the caller's leg: ringing for the first request, completed once they hang up. */
  callerStatus: 'ringing' | 'in-progress' | 'completed';
}

/** A leg whose requests a handler makes: who hears its verbs and which parameters Twilio sends. */
export interface LegScope {
  readonly leg: Leg;
  /** The parameters Twilio sends on every request of this leg, as of now. */
  params(): Params;
}

/**
 * Simulated call time, so durations in requests (CallDuration, QueueTime, ...) are plausible
 * without the tests waiting: verbs advance it by how long they would take on a real phone.
 */
export class CallClock {
  private elapsed = 0;
  advance(seconds: number): void {
    this.elapsed += Math.max(0, seconds);
  }
  /** Whole seconds since the call was answered. */
  get seconds(): number {
    return Math.round(this.elapsed);
  }
}

/** The caller's leg: Twilio's standard voice webhook parameters for an inbound call. */
export function callerScope(ctx: CallContext): LegScope {
  return {
    leg: 'caller',
    params: () => ({
      CallSid: ctx.call.callSid,
      AccountSid: ctx.call.accountSid,
      From: ctx.call.from,
      To: ctx.call.to,
      Caller: ctx.call.from,
      Called: ctx.call.to,
      CallStatus: ctx.callerStatus,
      Direction: 'inbound',
      ApiVersion: '2010-04-01',
    }),
  };
}
