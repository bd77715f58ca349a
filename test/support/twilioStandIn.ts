/**
 * A local stand-in for Twilio's REST API and its webhooks, for tests (and for staging through
 * HOTLINE_TWILIO_API_URL). It answers what the twilio client asks of the 2010-04-01 API - create,
 * fetch and update a call, send a message, list and update the account's phone numbers - with Basic
 * auth checked and JSON shaped like Twilio's,
 * records every request, fails on demand, and plays Twilio's side of a call: it fetches a call's
 * TwiML and posts Gather and Dial actions and status callbacks, signed exactly as Twilio signs them.
 */
import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import twilio from 'twilio';
import { parseTwiml, type TwimlNode } from '../../src/simulator/twiml.js';

export type RequestKind = 'calls.create' | 'calls.fetch' | 'calls.update' | 'messages.create' | 'numbers.list' | 'numbers.update' | 'unknown';

/** One request the stand-in received, with its form parameters (repeated keys joined by a space). */
export interface RecordedRequest {
  kind: RequestKind;
  method: string;
  path: string;
  params: Record<string, string>;
  authorized: boolean;
  /** The HTTP status answered; 0 while held, -1 if the client went away first. */
  answered: number;
}

/** A call Twilio "placed": by calls.create ('api'), or by a <Dial> of another call's TwiML ('dial'). */
export interface StandInCall {
  sid: string;
  kind: 'api' | 'dial';
  parentSid: string | null;
  to: string;
  from: string;
  /** The TwiML URL run when the call is answered (calls.create url, or <Number url>). */
  url: string | null;
  /** The TwiML given inline to calls.create (instead of a url). */
  twiml: string | null;
  statusCallback: string | null;
  statusCallbackEvents: string[];
  timeout: number | null;
  status: string;
  /** The next SequenceNumber its status callbacks carry. */
  sequence: number;
}

export interface StandInMessage {
  sid: string;
  to: string;
  from: string;
  body: string;
  status: string;
}

/** A phone number of the account (an IncomingPhoneNumber) and where its calls are sent. */
export interface StandInNumber {
  sid: string;
  phoneNumber: string;
  voiceUrl: string;
  voiceMethod: string;
  voiceFallbackUrl: string;
  voiceFallbackMethod: string;
  statusCallback: string;
  statusCallbackMethod: string;
}

/** A REST error as Twilio answers it. */
export interface TwilioApiError {
  status: number;
  code: number;
  message: string;
}

/** A calls.create request the stand-in is holding open (to stop a worker between claim and answer). */
export interface HeldCall {
  request: RecordedRequest;
  /** Set when the hold was asked with create: the call exists at Twilio although nobody has heard so. */
  call: StandInCall | undefined;
  /** Answers the request as usual (creating the call if it was not yet). */
  release(): void;
  /** Resolves when the client closed the connection without an answer (the worker died). */
  abandoned: Promise<void>;
}

/** A <Dial><Number> read from a call's TwiML. */
export interface DialOrder {
  number: string;
  callerId: string | undefined;
  action: string | undefined;
  timeout: number | undefined;
  numberUrl: string | undefined;
  statusCallback: string | undefined;
  statusCallbackEvents: string[];
}

/** A signed webhook's answer. */
export interface WebhookAnswer {
  status: number;
  body: string;
}

const API = '/2010-04-01/Accounts/';
const newSid = (prefix: string) => `${prefix}${randomBytes(16).toString('hex')}`;
const FINAL = new Set(['completed', 'busy', 'no-answer', 'failed', 'canceled']);

export class TwilioStandIn {
  readonly requests: RecordedRequest[] = [];
  readonly calls: StandInCall[] = [];
  readonly messages: StandInMessage[] = [];
  /** Recordings' media by RecordingSid, served at .../Recordings/RE....mp3 to the account. */
  readonly recordings = new Map<string, Buffer>();
  readonly numbers: StandInNumber[] = [];
  url = '';
  private readonly failures: Record<'calls' | 'messages', TwilioApiError[]> = { calls: [], messages: [] };
  private holds: Array<{ create: boolean; resolve: (held: HeldCall) => void }> = [];
  private readonly server = createServer((req, res) => void this.handle(req, res));

  constructor(
    readonly accountSid: string,
    /** The auth token: checked on REST requests, and used to sign webhooks. */
    readonly authToken: string,
  ) {}

  async start(): Promise<this> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this;
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  /** The next `times` requests of this kind fail with `error` (default: Twilio's 500). */
  failNext(kind: 'calls' | 'messages', error: TwilioApiError = { status: 500, code: 20500, message: 'Internal Server Error' }, times = 1): void {
    for (let i = 0; i < times; i++) this.failures[kind].push(error);
  }

  /** Holds the next calls.create open until released; with `create`, the call exists meanwhile. */
  holdNextCall(options: { create?: boolean } = {}): Promise<HeldCall> {
    return new Promise((resolve) => this.holds.push({ create: options.create ?? false, resolve }));
  }

  /** Gives the account a phone number, its voice configuration empty as a number just bought. */
  addNumber(phoneNumber: string): StandInNumber {
    const number: StandInNumber = {
      sid: newSid('PN'),
      phoneNumber,
      voiceUrl: '',
      voiceMethod: 'POST',
      voiceFallbackUrl: '',
      voiceFallbackMethod: 'POST',
      statusCallback: '',
      statusCallbackMethod: 'POST',
    };
    this.numbers.push(number);
    return number;
  }

  requestsOf(kind: RequestKind): RecordedRequest[] {
    return this.requests.filter((r) => r.kind === kind);
  }

  /** Calls placed through calls.create (answered with 201), oldest first. */
  get apiCalls(): StandInCall[] {
    return this.calls.filter((c) => c.kind === 'api');
  }

  call(sid: string): StandInCall {
    const call = this.calls.find((c) => c.sid === sid);
    if (!call) throw new Error(`no call ${sid}`);
    return call;
  }

  /** Polls `probe` every 10 ms until it returns something other than undefined, null or false. */
  async waitFor<T>(probe: () => T | undefined | null | false, what = 'condition', timeoutMs = 5000): Promise<T> {
    const until = Date.now() + timeoutMs;
    for (;;) {
      const value = probe();
      if (value !== undefined && value !== null && value !== false) return value;
      if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
      await new Promise((r) => setTimeout(r, 10));
    }
  }

  /** POSTs `params` to `url` signed with the auth token over the exact URL and every parameter. */
  async webhook(url: string, params: Record<string, string>): Promise<WebhookAnswer> {
    // A fragment carries Twilio's connection overrides: Twilio neither sends nor signs it.
    const signature = twilio.getExpectedTwilioSignature(this.authToken, url.split('#')[0]!, params);
    const res = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-twilio-signature': signature },
      body: new URLSearchParams(params).toString(),
    });
    return { status: res.status, body: await res.text() };
  }

  /** The parameters Twilio sends in a call's webhooks. */
  callParams(call: StandInCall, status = call.status): Record<string, string> {
    return {
      CallSid: call.sid,
      AccountSid: this.accountSid,
      From: call.from,
      To: call.to,
      Called: call.to,
      Caller: call.from,
      CallStatus: status,
      Direction: call.kind === 'api' ? 'outbound-api' : 'outbound-dial',
      ApiVersion: '2010-04-01',
      ...(call.parentSid && { ParentCallSid: call.parentSid }),
    };
  }

  /**
   * Sends a status callback for the call, as Twilio would (CallStatus, SequenceNumber, Timestamp,
   * CallDuration when final). Any status, in any order, as often as asked; `sequenceNumber` overrides.
   */
  async sendStatus(call: StandInCall, status: string, options: { sequenceNumber?: number; duration?: number } = {}): Promise<WebhookAnswer> {
    if (!call.statusCallback) throw new Error(`call ${call.sid} has no status callback`);
    const sequence = options.sequenceNumber ?? call.sequence++;
    if (!FINAL.has(call.status)) call.status = status;
    return this.webhook(call.statusCallback, {
      ...this.callParams(call, status),
      CallbackSource: 'call-progress-events',
      SequenceNumber: String(sequence),
      Timestamp: new Date().toUTCString().replace('GMT', '+0000'),
      ...(FINAL.has(status) && { CallDuration: String(options.duration ?? (status === 'completed' ? 42 : 0)) }),
    });
  }

  /** Fetches the call's TwiML as Twilio does when it is answered; throws unless the server answered 200. */
  async answer(call: StandInCall): Promise<TwimlNode> {
    if (!call.url) throw new Error(`call ${call.sid} has no url`);
    call.status = 'in-progress';
    return this.twiml(call.url, this.callParams(call));
  }

  /** POSTs an action (Gather, Dial) of the call with extra parameters and parses the TwiML answered. */
  async action(call: StandInCall, url: string, extra: Record<string, string>): Promise<TwimlNode> {
    return this.twiml(url, { ...this.callParams(call), ...extra });
  }

  /** The Gather's action with `digits` pressed. */
  async press(call: StandInCall, gather: TwimlNode, digits: string): Promise<TwimlNode> {
    const action = gather.attrs.action;
    if (!action) throw new Error('the Gather has no action');
    return this.action(call, action, { Digits: digits, FinishedOnKey: '' });
  }

  /** Starts the child leg a <Dial><Number> of `parent` places; its status callbacks go to the Number's. */
  dialChild(parent: StandInCall, order: DialOrder): StandInCall {
    const child: StandInCall = {
      sid: newSid('CA'),
      kind: 'dial',
      parentSid: parent.sid,
      to: order.number,
      from: order.callerId ?? parent.from,
      url: order.numberUrl ?? null,
      twiml: null,
      statusCallback: order.statusCallback ?? null,
      statusCallbackEvents: order.statusCallbackEvents,
      timeout: order.timeout ?? null,
      status: 'queued',
      sequence: 0,
    };
    this.calls.push(child);
    return child;
  }

  private async twiml(url: string, params: Record<string, string>): Promise<TwimlNode> {
    const answer = await this.webhook(url, params);
    if (answer.status !== 200) throw new Error(`${url} answered ${answer.status}: ${answer.body}`);
    return parseTwiml(answer.body);
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', this.url);
    const form = new URLSearchParams(await readBody(req));
    const params: Record<string, string> = {};
    for (const key of new Set(form.keys())) params[key] = form.getAll(key).join(' ');
    const recorded: RecordedRequest = { kind: 'unknown', method: req.method ?? '', path: url.pathname, params, authorized: false, answered: 0 };
    this.requests.push(recorded);
    const reply = (status: number, body: unknown) => {
      recorded.answered = status;
      res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
    };
    const error = (e: TwilioApiError) =>
      reply(e.status, { code: e.code, message: e.message, more_info: `https://www.twilio.com/docs/errors/${e.code}`, status: e.status });

    // A recording's media, as Twilio serves it to the account: the bytes of the recordings the test put here.
    const recording = /^\/2010-04-01\/Accounts\/([^/]+)\/Recordings\/(RE[0-9a-f]{32})\.mp3$/.exec(url.pathname);
    if (recording && req.method === 'GET') {
      const authorized = req.headers.authorization === `Basic ${Buffer.from(`${this.accountSid}:${this.authToken}`).toString('base64')}` && recording[1] === this.accountSid;
      const media = this.recordings.get(recording[2]!);
      recorded.authorized = authorized;
      if (!authorized) return error({ status: 401, code: 20003, message: 'Authenticate' });
      if (!media) return error({ status: 404, code: 20404, message: 'The requested resource was not found' });
      recorded.answered = 200;
      res.writeHead(200, { 'content-type': 'audio/mpeg' }).end(media);
      return;
    }
    const match = /^\/2010-04-01\/Accounts\/([^/]+)\/(Calls|Messages|IncomingPhoneNumbers)(?:\/([^/.]+))?\.json$/.exec(url.pathname);
    recorded.kind = kindOf(match, req.method);
    const expected = `Basic ${Buffer.from(`${this.accountSid}:${this.authToken}`).toString('base64')}`;
    recorded.authorized = req.headers.authorization === expected && match?.[1] === this.accountSid;
    if (!match || recorded.kind === 'unknown') return error({ status: 404, code: 20404, message: 'The requested resource was not found' });
    if (!recorded.authorized) return error({ status: 401, code: 20003, message: 'Authenticate' });

    if (recorded.kind === 'numbers.list') {
      // Twilio matches PhoneNumber as a pattern of digits; an exact E.164 number finds that number.
      const wanted = url.searchParams.get('PhoneNumber');
      const pageSize = Number(url.searchParams.get('PageSize') ?? '50');
      const found = this.numbers.filter((n) => wanted === null || n.phoneNumber === wanted).slice(0, pageSize);
      const listUri = `${API}${this.accountSid}/IncomingPhoneNumbers.json${url.search}`;
      return reply(200, {
        incoming_phone_numbers: found.map((n) => this.numberJson(n)),
        end: Math.max(found.length - 1, 0),
        first_page_uri: listUri,
        next_page_uri: null,
        page: 0,
        page_size: pageSize,
        previous_page_uri: null,
        start: 0,
        uri: listUri,
      });
    }
    if (recorded.kind === 'numbers.update') {
      const number = this.numbers.find((n) => n.sid === match[3]);
      if (!number) return error({ status: 404, code: 20404, message: `The requested resource ${url.pathname} was not found` });
      if (params.VoiceUrl !== undefined) number.voiceUrl = params.VoiceUrl;
      if (params.VoiceMethod !== undefined) number.voiceMethod = params.VoiceMethod;
      if (params.VoiceFallbackUrl !== undefined) number.voiceFallbackUrl = params.VoiceFallbackUrl;
      if (params.VoiceFallbackMethod !== undefined) number.voiceFallbackMethod = params.VoiceFallbackMethod;
      if (params.StatusCallback !== undefined) number.statusCallback = params.StatusCallback;
      if (params.StatusCallbackMethod !== undefined) number.statusCallbackMethod = params.StatusCallbackMethod;
      return reply(200, this.numberJson(number));
    }

    if (recorded.kind === 'messages.create') {
      const failure = this.failures.messages.shift();
      if (failure) return error(failure);
      const message: StandInMessage = { sid: newSid('SM'), to: params.To ?? '', from: params.From ?? '', body: params.Body ?? '', status: 'queued' };
      this.messages.push(message);
      return reply(201, this.messageJson(message));
    }
    if (recorded.kind === 'calls.fetch' || recorded.kind === 'calls.update') {
      const call = this.calls.find((c) => c.sid === match[3]);
      if (!call) return error({ status: 404, code: 20404, message: `The requested resource ${url.pathname} was not found` });
      if (recorded.kind === 'calls.update' && params.Status && !FINAL.has(call.status)) call.status = params.Status;
      return reply(200, this.callJson(call));
    }
    const failure = this.failures.calls.shift();
    if (failure) return error(failure);
    const create = () => {
      const call: StandInCall = {
        sid: newSid('CA'),
        kind: 'api',
        parentSid: null,
        to: params.To ?? '',
        from: params.From ?? '',
        url: params.Url ?? null,
        twiml: params.Twiml ?? null,
        statusCallback: params.StatusCallback ?? null,
        statusCallbackEvents: form.getAll('StatusCallbackEvent'),
        timeout: params.Timeout ? Number(params.Timeout) : null,
        status: 'queued',
        sequence: 0,
      };
      this.calls.push(call);
      return call;
    };
    const hold = this.holds.shift();
    if (!hold) return reply(201, this.callJson(create()));
    const call = hold.create ? create() : undefined;
    let abandon!: () => void;
    const abandoned = new Promise<void>((resolve) => (abandon = resolve));
    res.on('close', () => {
      if (recorded.answered === 0) {
        recorded.answered = -1;
        abandon();
      }
    });
    hold.resolve({ request: recorded, call, abandoned, release: () => reply(201, this.callJson(call ?? create())) });
  }

  private callJson(call: StandInCall) {
    return {
      sid: call.sid,
      account_sid: this.accountSid,
      parent_call_sid: call.parentSid,
      to: call.to,
      from: call.from,
      status: call.status,
      direction: call.kind === 'api' ? 'outbound-api' : 'outbound-dial',
      api_version: '2010-04-01',
      date_created: new Date().toUTCString(),
      uri: `${API}${this.accountSid}/Calls/${call.sid}.json`,
    };
  }

  private numberJson(n: StandInNumber) {
    return {
      sid: n.sid,
      account_sid: this.accountSid,
      phone_number: n.phoneNumber,
      friendly_name: n.phoneNumber,
      api_version: '2010-04-01',
      voice_url: n.voiceUrl,
      voice_method: n.voiceMethod,
      voice_fallback_url: n.voiceFallbackUrl,
      voice_fallback_method: n.voiceFallbackMethod,
      status_callback: n.statusCallback,
      status_callback_method: n.statusCallbackMethod,
      voice_application_sid: '',
      voice_caller_id_lookup: false,
      capabilities: { voice: true, sms: true, mms: false, fax: false },
      date_created: new Date().toUTCString(),
      date_updated: new Date().toUTCString(),
      uri: `${API}${this.accountSid}/IncomingPhoneNumbers/${n.sid}.json`,
    };
  }

  private messageJson(m: StandInMessage) {
    return {
      sid: m.sid,
      account_sid: this.accountSid,
      to: m.to,
      from: m.from,
      body: m.body,
      status: m.status,
      num_segments: '1',
      direction: 'outbound-api',
      api_version: '2010-04-01',
      error_code: null,
      error_message: null,
      date_created: new Date().toUTCString(),
      uri: `${API}${this.accountSid}/Messages/${m.sid}.json`,
    };
  }
}

/** Which of the stand-in's endpoints a REST path and method ask for. */
function kindOf(match: RegExpExecArray | null, method: string | undefined): RequestKind {
  if (!match) return 'unknown';
  const [, , resource, sid] = match;
  if (resource === 'Messages') return 'messages.create';
  if (resource === 'IncomingPhoneNumbers') return !sid ? (method === 'GET' ? 'numbers.list' : 'unknown') : method === 'POST' ? 'numbers.update' : 'unknown';
  return !sid ? 'calls.create' : method === 'GET' ? 'calls.fetch' : 'calls.update';
}

/** Starts a stand-in on a free port. */
export function startTwilioStandIn(options: { accountSid: string; authToken: string }): Promise<TwilioStandIn> {
  return new TwilioStandIn(options.accountSid, options.authToken).start();
}

/** The verbs of a TwiML document, depth first (a Say inside a Gather included). */
export function verbsOf(node: TwimlNode): TwimlNode[] {
  return node.children.flatMap((child) => [child, ...verbsOf(child)]);
}

/** Everything a TwiML document says, in order. */
export function spokenText(node: TwimlNode): string {
  return verbsOf(node)
    .filter((v) => v.name === 'Say')
    .map((v) => v.text)
    .join(' ');
}

/** The <Dial><Number> of a TwiML document, if it has one. */
export function dialOrderOf(node: TwimlNode): DialOrder | undefined {
  const dial = verbsOf(node).find((v) => v.name === 'Dial');
  const number = dial?.children.find((c) => c.name === 'Number');
  if (!dial || !number) return undefined;
  return {
    number: number.text,
    callerId: dial.attrs.callerId,
    action: dial.attrs.action,
    timeout: dial.attrs.timeout ? Number(dial.attrs.timeout) : undefined,
    numberUrl: number.attrs.url,
    statusCallback: number.attrs.statusCallback,
    statusCallbackEvents: (number.attrs.statusCallbackEvent ?? 'completed').split(/\s+/),
  };
}

/** A request's whole body as text. */
export function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}
