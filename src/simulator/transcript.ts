/** Whose phone a verb runs on: the caller's, or the agent's during a whisper. */
export type Leg = 'caller' | 'agent';

/** How a rung agent behaves: answers and presses 1, answers and presses nothing, or never answers. */
export type AgentAnswer = 'accept' | 'no-key' | 'no-answer';

/** DialCallStatus values the simulator produces. */
export type DialCallStatus = 'completed' | 'no-answer';

/** QueueResult values the simulator produces. */
export type QueueResult = 'bridged' | 'leave' | 'hangup';

/** Why the call ended. */
export type EndReason =
  /** The server answered <Hangup/>. */
  | 'hangup'
  /** The server answered <Reject/>. */
  | 'rejected'
  /** The TwiML ran out of verbs, so Twilio hung up. */
  | 'no-more-verbs'
  /** The caller hung up: after talking to an agent, while queued, or while recording. */
  | 'caller-hung-up'
  /** A request failed or a document could not be run; see the error event. */
  | 'error';

/** One thing that happened on the call, in order. */
export type CallEvent =
  | { kind: 'say'; leg: Leg; text: string; language?: string; voice?: string }
  | { kind: 'play'; leg: Leg; url: string }
  | { kind: 'pause'; leg: Leg; seconds: number }
  | { kind: 'gather'; leg: Leg; action: string; numDigits?: number; finishOnKey: string; timeoutSeconds: number }
  /** Keys typed at a Gather (`typed`) and the Digits Twilio derives from them; '' is silence. */
  | { kind: 'input'; leg: Leg; typed: string; digits: string }
  /** A <Number> starts ringing; `url` is its whisper URL as written in the TwiML. */
  | { kind: 'dial'; number: string; url?: string }
  | { kind: 'answer'; number: string; answer: AgentAnswer }
  /** The whisper request on the agent's leg; `url` is absolute. */
  | { kind: 'whisper'; number: string; url: string; callSid: string }
  | { kind: 'dial-result'; status: DialCallStatus; bridged: boolean; number?: string }
  /** `text` stands for the recorded audio; '' means nothing was recorded. */
  | { kind: 'record'; text: string; durationSeconds: number; hangup: boolean }
  | { kind: 'enqueue'; queue: string; waitUrl?: string }
  | { kind: 'queue-result'; queue: string; result: QueueResult }
  | { kind: 'redirect'; leg: Leg; url: string }
  | { kind: 'hangup'; leg: Leg; verb: 'Hangup' | 'Reject' }
  | { kind: 'error'; message: string }
  | { kind: 'end'; reason: EndReason; durationSeconds: number };

/** One webhook request the simulator made, as sent and as answered. */
export interface RequestRecord {
  leg: Leg;
  method: 'GET' | 'POST';
  /** The URL Twilio would request (public base URL), which the signature covers. */
  url: string;
  /** Path and query of `url`. */
  path: string;
  params: Readonly<Record<string, string>>;
  signature: string;
  /** HTTP status, or 0 when no response arrived. */
  status: number;
  body: string;
}

/** Everything a simulated call did: events, requests and the TwiML received. */
export class Transcript {
  readonly events: CallEvent[] = [];
  readonly requests: RequestRecord[] = [];
  /** Every TwiML document received, in order. */
  readonly twiml: string[] = [];

  constructor(private readonly onEvent?: (event: CallEvent) => void) {}

  /** Appends an event and reports it to the listener (used to print a call as it happens). */
  add(event: CallEvent): void {
    this.events.push(event);
    this.onEvent?.(event);
  }

  /** Texts of every <Say> the caller heard. */
  said(): string[] {
    return this.sayTexts('caller');
  }

  /** Texts of every <Say> an agent heard in a whisper. */
  agentHeard(): string[] {
    return this.sayTexts('agent');
  }

  /** Every number rung, with its whisper URL as written in the TwiML. */
  /** The caller's Gathers, in order: how many keys each takes and how long it waits for the first. */
  gathers(): Array<{ numDigits: number | undefined; timeoutSeconds: number }> {
    return this.events.flatMap((e) => (e.kind === 'gather' && e.leg === 'caller' ? [{ numDigits: e.numDigits, timeoutSeconds: e.timeoutSeconds }] : []));
  }

  dials(): Array<{ number: string; url: string | undefined }> {
    return this.events.flatMap((e) => (e.kind === 'dial' ? [{ number: e.number, url: e.url }] : []));
  }

  /** Error messages, if anything went wrong. */
  errors(): string[] {
    return this.events.flatMap((e) => (e.kind === 'error' ? [e.message] : []));
  }

  /** Why the call ended, once it has. */
  get endReason(): EndReason | undefined {
    const end = this.events.findLast((e) => e.kind === 'end');
    return end?.kind === 'end' ? end.reason : undefined;
  }

  /** True when the call ended without any error. */
  get ok(): boolean {
    return this.endReason !== undefined && this.endReason !== 'error' && this.errors().length === 0;
  }

  private sayTexts(leg: Leg): string[] {
    return this.events.flatMap((e) => (e.kind === 'say' && e.leg === leg ? [e.text] : []));
  }
}
