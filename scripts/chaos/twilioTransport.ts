/**
 * How Twilio's side of a webhook behaves under connection overrides (`ct=1500&rt=6000&tt=9000&rc=1&rp=ct,rt,5xx`):
 * each try has a connect timeout and a read timeout, a failed try of a class the policy names is tried
 * again (up to `rc` more times, within `tt` in all), and anything else ends the webhook. Used as the
 * phone simulator's fetch, so every webhook of a walked call goes through it and is recorded.
 */
import { Agent, request } from 'node:http';

/** Why one try failed, in the classes of Twilio's retry policy (`rp`). */
export type FailureClass = 'ct' | 'rt' | '4xx' | '5xx';

export interface Overrides {
  connectTimeoutMs: number;
  readTimeoutMs: number;
  totalTimeMs: number;
  retries: number;
  policy: Set<string>;
}

/** Twilio's defaults (ct 5000, rt 15000, tt 15000, rc 1, rp ct) overridden by a fragment such as `ct=1500&rc=1`. */
export function parseOverrides(fragment: string | undefined): Overrides {
  const given = new URLSearchParams(fragment?.replace(/^#/, '') ?? '');
  const number = (name: string, fallback: number) => (given.has(name) ? Number(given.get(name)) : fallback);
  return {
    connectTimeoutMs: number('ct', 5000),
    readTimeoutMs: number('rt', 15_000),
    totalTimeMs: number('tt', 15_000),
    retries: number('rc', 1),
    policy: new Set((given.get('rp') ?? 'ct').split(',')),
  };
}

/** One webhook as Twilio made it: when it started, how long until its final answer, and its failed tries. */
export interface WebhookRecord {
  path: string;
  startedAt: number;
  ms: number;
  failures: FailureClass[];
  /** False when the last try failed too: Twilio would have gone to the fallback URL. */
  ok: boolean;
}

class TryFailed extends Error {
  constructor(readonly failure: FailureClass, message: string) {
    super(message);
  }
}

interface Answer {
  status: number;
  headers: Record<string, string>;
  body: string;
}

/** A fetch for the simulator that tries and retries as Twilio does, reporting each webhook to `onWebhook`. */
export function twilioFetch(overrides: Overrides, onWebhook: (record: WebhookRecord) => void): typeof fetch {
  const agent = new Agent({ keepAlive: true, maxSockets: 256 });
  const tryOnce = (url: URL, init: RequestInit, readTimeoutMs: number) =>
    new Promise<Answer>((resolve, reject) => {
      const body = typeof init.body === 'string' ? init.body : '';
      const req = request(url, { method: init.method ?? 'GET', headers: { ...(init.headers as Record<string, string>), 'content-length': String(Buffer.byteLength(body)) }, agent });
      let connected = false;
      const connectTimer = setTimeout(() => req.destroy(new TryFailed('ct', `no connection within ${overrides.connectTimeoutMs} ms`)), overrides.connectTimeoutMs);
      let readTimer: NodeJS.Timeout | undefined;
      const onConnected = () => {
        connected = true;
        clearTimeout(connectTimer);
        readTimer = setTimeout(() => req.destroy(new TryFailed('rt', `no answer within ${readTimeoutMs} ms`)), readTimeoutMs);
      };
      req.on('socket', (socket) => (socket.connecting ? socket.once('connect', onConnected) : onConnected()));
      req.on('response', (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (text += chunk));
        res.on('end', () => {
          clearTimeout(readTimer);
          resolve({ status: res.statusCode ?? 0, headers: res.headers as Record<string, string>, body: text });
        });
        res.on('error', (err) => reject(new TryFailed('rt', err.message)));
      });
      req.on('error', (err) => {
        clearTimeout(connectTimer);
        clearTimeout(readTimer);
        // Refused or not connected in time: a connection failure. Cut off after connecting: no answer read.
        reject(err instanceof TryFailed ? err : new TryFailed(connected ? 'rt' : 'ct', err.message));
      });
      req.end(body);
    });

  return (async (input: string | URL | Request, init: RequestInit = {}) => {
    const url = new URL(typeof input === 'string' || input instanceof URL ? input : input.url);
    const startedAt = Date.now();
    const failures: FailureClass[] = [];
    const finish = (ok: boolean) => onWebhook({ path: url.pathname + url.search, startedAt, ms: Date.now() - startedAt, failures, ok });
    for (let attempt = 0; ; attempt += 1) {
      const left = overrides.totalTimeMs - (Date.now() - startedAt);
      let failure: FailureClass;
      let message: string;
      try {
        const answer = await tryOnce(url, init, Math.max(1, Math.min(overrides.readTimeoutMs, left)));
        if (answer.status < 400) {
          finish(true);
          // A 204 (a status callback's answer) has no body.
          return new Response(answer.status === 204 ? null : answer.body, { status: answer.status, headers: answer.headers });
        }
        failure = answer.status >= 500 ? '5xx' : '4xx';
        message = `HTTP ${answer.status}`;
      } catch (err) {
        if (!(err instanceof TryFailed)) throw err;
        failure = err.failure;
        message = err.message;
      }
      failures.push(failure);
      const retried = attempt < overrides.retries && (overrides.policy.has(failure) || overrides.policy.has('all')) && overrides.totalTimeMs - (Date.now() - startedAt) > 0;
      if (!retried) {
        finish(false);
        throw new Error(`${message} (${failures.join(', ')}: not tried again)`);
      }
    }
  }) as typeof fetch;
}
