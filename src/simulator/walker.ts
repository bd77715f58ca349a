import { CallClock, callerScope, type CallContext } from './callContext.js';
import { runCallerLeg } from './callerLeg.js';
import { newSid } from './ids.js';
import type { InputProvider } from './input.js';
import { Transcript, type CallEvent, type EndReason } from './transcript.js';
import { WalkAborted } from './abort.js';
import { WebhookClient } from './webhookClient.js';

export interface CallWalkerOptions {
  /** Where the server listens, e.g. http://127.0.0.1:3000. */
  baseUrl: string;
  /** The URL Twilio would use (the server's PUBLIC_BASE_URL); signatures cover it. Default: baseUrl. */
  publicBaseUrl?: string;
  authToken: string;
  accountSid: string;
  /** The caller: E.164 or 'anonymous'. */
  from: string;
  /** The dialed number, E.164. */
  to: string;
  /** Default: a fresh 'CA' + 32 hex digits. */
  callSid?: string;
  input: InputProvider;
  /** Called with each event as it happens (to print a live transcript). */
  onEvent?: (event: CallEvent) => void;
  /** The number's "A call comes in" webhook. Default '/voice/incoming'. */
  incomingPath?: string;
  /** The number's status callback; null sends none. Default '/voice/status'. */
  statusCallbackPath?: string | null;
  /** Loop guard: TwiML requests allowed per call. Default 200. */
  maxRequests?: number;
  /** How webhook requests travel; default the global fetch. */
  fetch?: typeof fetch;
}

/**
 * Places one simulated inbound call against a server and walks its TwiML as Twilio would: signed
 * form-encoded webhooks, verbs in order, actions and redirects followed, the agent's whisper leg
 * run on Dial, and the status callback at the end.
 */
export class CallWalker {
  readonly callSid: string;
  private walked = false;

  constructor(private readonly options: CallWalkerOptions) {
    this.callSid = options.callSid ?? newSid('CA');
  }

  /**
   * Runs the call to its end and returns the transcript. Never throws for what the server does:
   * a failed request or unusable TwiML becomes an error event and ends the call (reason 'error').
   */
  async walk(): Promise<Transcript> {
    if (this.walked) throw new Error('a CallWalker places one call; create another for the next call');
    this.walked = true;
    const { options } = this;
    const transcript = new Transcript(options.onEvent);
    const http = new WebhookClient({
      baseUrl: options.baseUrl,
      publicBaseUrl: options.publicBaseUrl ?? options.baseUrl,
      authToken: options.authToken,
      maxRequests: options.maxRequests ?? 200,
      transcript,
      ...(options.fetch && { fetch: options.fetch }),
    });
    const ctx: CallContext = {
      call: { callSid: this.callSid, accountSid: options.accountSid, from: options.from, to: options.to },
      transcript,
      http,
      input: options.input,
      clock: new CallClock(),
      callerStatus: 'ringing',
    };

    let reason: EndReason;
    try {
      const incoming = http.publicUrl(options.incomingPath ?? '/voice/incoming');
      const first = await http.twiml('caller', 'POST', incoming, callerScope(ctx).params());
      ctx.callerStatus = 'in-progress';
      reason = await runCallerLeg(ctx, first);
    } catch (err) {
      // Anything else (a bad script token, a bug) is kept in the transcript rather than lost.
      if (!(err instanceof WalkAborted)) transcript.add({ kind: 'error', message: `simulator: ${String(err)}` });
      reason = 'error';
    }
    ctx.callerStatus = 'completed';
    await this.sendStatusCallback(ctx);
    transcript.add({ kind: 'end', reason, durationSeconds: ctx.clock.seconds });
    return transcript;
  }

  /** Twilio's status callback when the call completes; skipped if the server never answered at all. */
  private async sendStatusCallback(ctx: CallContext): Promise<void> {
    const path = this.options.statusCallbackPath === undefined ? '/voice/status' : this.options.statusCallbackPath;
    if (path === null || !ctx.transcript.requests.some((r) => r.status !== 0)) return;
    const params = {
      ...callerScope(ctx).params(),
      CallDuration: String(ctx.clock.seconds),
      Timestamp: new Date().toUTCString().replace('GMT', '+0000'),
    };
    try {
      await ctx.http.notify('caller', 'POST', ctx.http.publicUrl(path), params);
    } catch (err) {
      if (!(err instanceof WalkAborted)) throw err;
    }
  }
}

/** Places one simulated call and returns its transcript: `new CallWalker(options).walk()`. */
export function simulateCall(options: CallWalkerOptions): Promise<Transcript> {
  return new CallWalker(options).walk();
}
