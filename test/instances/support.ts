import { createServer, request, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { CallWalker } from '../../src/simulator/walker.js';
import { scripted, type ScriptToken } from '../../src/simulator/input.js';
import type { Transcript } from '../../src/simulator/transcript.js';
import { twilioSignature } from '../../src/simulator/signature.js';
import { newSid } from '../../src/simulator/ids.js';
import { startHarness, TEST_ACCOUNT_SID, type Harness } from '../support/harness.js';
import { CALLER, LINE } from '../support/calls.js';

/** The one address Twilio knows the line by: both instances sign and write URLs against it, as behind a load balancer. */
export const PUBLIC_URL = 'https://hotline.test';

/** Two instances of the service on one fresh PostgreSQL database, sharing the clock, secret key and public URL. */
export interface Pair {
  h1: Harness;
  h2: Harness;
  both: [Harness, Harness];
  close(): Promise<void>;
}

export async function startPair(env: Record<string, string> = {}, now?: number): Promise<Pair> {
  const h1 = await startHarness({ engine: 'postgres', env: { PUBLIC_BASE_URL: PUBLIC_URL, ...env }, ...(now !== undefined && { now }) });
  let h2: Harness;
  try {
    h2 = await startHarness({ peer: h1, env: { PUBLIC_BASE_URL: PUBLIC_URL, ...env } });
  } catch (err) {
    await h1.close();
    throw err;
  }
  return {
    h1,
    h2,
    both: [h1, h2],
    async close() {
      await h2.close();
      await h1.close();
    },
  };
}

/**
 * A round-robin load balancer in front of several instances: each request goes to the next one in turn.
 * `served` lists, per request, the index of the instance that answered it.
 */
export interface Balancer {
  url: string;
  served: Array<{ instance: number; path: string }>;
  close(): Promise<void>;
}

export async function startBalancer(targets: string[]): Promise<Balancer> {
  const served: Balancer['served'] = [];
  let next = 0;
  const server: Server = createServer((req: IncomingMessage, res) => {
    const instance = next++ % targets.length;
    served.push({ instance, path: req.url ?? '' });
    const target = new URL(req.url ?? '/', targets[instance]);
    const upstream = request(target, { method: req.method, headers: req.headers }, (answer) => {
      res.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(res);
    });
    upstream.on('error', () => {
      res.writeHead(502).end();
    });
    req.pipe(upstream);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    served,
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** Places a whole call, as the phone simulator does, with every request sent to `baseUrl` (an instance or a balancer). */
export async function placeCallAt(
  baseUrl: string,
  h: Harness,
  tokens: ScriptToken[],
  options: { from?: string; callSid?: string } = {},
): Promise<Transcript & { callSid: string }> {
  const walker = new CallWalker({
    baseUrl,
    publicBaseUrl: h.config.publicBaseUrl,
    authToken: h.config.twilio.authToken,
    accountSid: TEST_ACCOUNT_SID,
    from: options.from ?? CALLER,
    to: LINE,
    ...(options.callSid && { callSid: options.callSid }),
    input: scripted(tokens),
  });
  return Object.assign(await walker.walk(), { callSid: walker.callSid });
}

/**
 * One caller's leg driven request by request, so a test chooses which instance gets each webhook and
 * when: `answer(h, digits)` posts the digits to the action of the last Gather (or the last Redirect).
 */
export class CallerLeg {
  readonly callSid: string;
  /** The TwiML of every answer, in order. */
  readonly answers: string[] = [];
  private next: string | undefined;

  constructor(
    readonly from: string = CALLER,
    callSid?: string,
  ) {
    this.callSid = callSid ?? newSid('CA');
  }

  params(extra: Record<string, string> = {}): Record<string, string> {
    return {
      CallSid: this.callSid,
      AccountSid: TEST_ACCOUNT_SID,
      From: this.from,
      To: LINE,
      CallStatus: 'in-progress',
      Direction: 'inbound',
      ApiVersion: '2010-04-01',
      ...extra,
    };
  }

  /** The call comes in at instance `h`. */
  incoming(h: Harness): Promise<string> {
    return this.post(h, `${PUBLIC_URL}/voice/incoming`, this.params({ CallStatus: 'ringing' }));
  }

  /** The caller types `digits` at the last prompt; Twilio posts them to the Gather's action at instance `h`. */
  answer(h: Harness, digits: string): Promise<string> {
    if (!this.next) throw new Error('no prompt to answer');
    return this.post(h, this.next, this.params({ Digits: digits }));
  }

  /** Answers the ID, the code and the P1 key at instance `h`, and returns the TwiML after the key. */
  async verifiedP1(h: Harness, customerId: string, code: string): Promise<string> {
    await this.incoming(h);
    await this.answer(h, customerId);
    await this.answer(h, code);
    return this.answer(h, '1');
  }

  /** Twilio fetches the queue's wait URL for this caller from instance `h`. */
  wait(h: Harness): Promise<string> {
    return this.post(h, `${PUBLIC_URL}/voice/queue/wait?call=${this.callSid}`, this.params({ QueuePosition: '1', QueueSid: `QU${'0'.repeat(32)}`, QueueTime: '10' }));
  }

  /** The caller left the queue (the wait answered Leave): Twilio posts the Enqueue's action at step `step`. */
  left(h: Harness, step: number): Promise<string> {
    return this.post(h, `${PUBLIC_URL}/voice/step?step=${step}`, this.params({ QueueResult: 'leave' }));
  }

  /** The caller hangs up: Twilio's final status callback, to instance `h`. */
  hangUp(h: Harness): Promise<string> {
    return this.post(h, `${PUBLIC_URL}/voice/status`, this.params({ CallStatus: 'completed' }));
  }

  /** The words of the last answer. */
  said(): string[] {
    return [...(this.answers.at(-1) ?? '').matchAll(/<Say[^>]*>([^<]*)<\/Say>/g)].map((m) => m[1]!);
  }

  /** Posts a signed webhook for `publicUrl` to instance `h`; remembers the action of the answer's Gather. */
  async post(h: Harness, publicUrl: string, params: Record<string, string>): Promise<string> {
    const signature = twilioSignature(h.config.twilio.authToken, publicUrl, params);
    const res = await fetch(h.url + publicUrl.slice(PUBLIC_URL.length), {
      method: 'POST',
      headers: { 'x-twilio-signature': signature, 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams(params),
    });
    const body = await res.text();
    if (res.status !== 200) throw new Error(`${publicUrl}: HTTP ${res.status} ${body.slice(0, 200)}`);
    this.answers.push(body);
    const action = /<Gather[^>]*action="([^"]+)"/.exec(body)?.[1] ?? /<Redirect[^>]*>([^<]+)<\/Redirect>/.exec(body)?.[1];
    this.next = action && new URL(action.replace(/&amp;/g, '&'), PUBLIC_URL).toString().replace(/#.*$/, '');
    return body;
  }
}
