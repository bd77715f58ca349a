// A stand-in for the hotline server in simulator tests: serves fixed TwiML per path and checks
// every request's X-Twilio-Signature with the twilio package, as a real webhook server must.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import twilio from 'twilio';
import { scripted, type ScriptToken } from '../../src/simulator/input.js';
import type { Transcript } from '../../src/simulator/transcript.js';
import { simulateCall, type CallWalkerOptions } from '../../src/simulator/walker.js';
import { readBody } from '../support/twilioStandIn.js';

export const TOKEN = 'simulator-test-auth-token-0123456789';
export const ACCOUNT_SID = `AC${'a'.repeat(32)}`;

export interface Received {
  method: string;
  /** Path and query as requested. */
  path: string;
  params: Record<string, string>;
  signatureValid: boolean;
}

export type Reply = string | { status: number; body: string; contentType?: string };
export type Route = Reply | ((params: Record<string, string>, received: Received) => Reply);

export interface TwimlServer {
  /** Where it listens. */
  url: string;
  /** What signatures are checked against. */
  publicBaseUrl: string;
  received: Received[];
  /** Requests to one path (ignoring the query), in order. */
  to(pathname: string): Received[];
  close(): Promise<void>;
}

/** `<Response>…</Response>` around the given verbs. */
export const twiml = (verbs: string) => `<?xml version="1.0" encoding="UTF-8"?><Response>${verbs}</Response>`;

/** Starts the stand-in on port 0. Routes are keyed by pathname; unknown paths answer 404. */
export async function startTwimlServer(
  routes: Record<string, Route>,
  options: {
    publicBaseUrl?: string;
    authToken?: string;
    /** Unsigned admin-API routes by pathname, given the Authorization header. */
    api?: Record<string, (authorization: string | undefined) => Reply>;
  } = {},
): Promise<TwimlServer> {
  const received: Received[] = [];
  let publicBaseUrl = options.publicBaseUrl ?? '';
  const server = createServer(async (req, res) => {
    const body = await readBody(req);
    const url = new URL(req.url ?? '/', 'http://stand-in');
    const api = options.api?.[url.pathname];
    if (api !== undefined) {
      send(res, api(req.headers.authorization));
      return;
    }
    const params = req.method === 'POST' ? Object.fromEntries(new URLSearchParams(body)) : {};
    const signature = req.headers['x-twilio-signature'];
    const signatureValid =
      typeof signature === 'string' &&
      twilio.validateRequest(options.authToken ?? TOKEN, signature, publicBaseUrl + req.url, params);
    const record: Received = { method: req.method ?? '', path: req.url ?? '', params, signatureValid };
    received.push(record);
    if (!signatureValid) {
      res.writeHead(403).end('forged');
      return;
    }
    const route = routes[url.pathname];
    if (route === undefined) {
      res.writeHead(404).end('no such route');
      return;
    }
    const reply = typeof route === 'function' ? route(req.method === 'GET' ? Object.fromEntries(url.searchParams) : params, record) : route;
    send(res, reply);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  publicBaseUrl ||= url;
  return {
    url,
    publicBaseUrl,
    received,
    to: (pathname) => received.filter((r) => new URL(r.path, 'http://x').pathname === pathname),
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

function send(res: ServerResponse, reply: Reply): void {
  const { status, body, contentType } = typeof reply === 'string' ? { status: 200, body: reply, contentType: undefined } : reply;
  res.writeHead(status, { 'content-type': contentType ?? 'text/xml' }).end(body);
}

/** Walks one call against the stand-in with scripted input, signed with the stand-in's token. */
export function placeCall(
  server: TwimlServer,
  tokens: readonly ScriptToken[],
  options: Partial<CallWalkerOptions> = {},
): Promise<Transcript> {
  return simulateCall({
    baseUrl: server.url,
    publicBaseUrl: server.publicBaseUrl,
    authToken: TOKEN,
    accountSid: ACCOUNT_SID,
    from: '+15555550100',
    to: '+15555550199',
    input: scripted(tokens),
    ...options,
  });
}
