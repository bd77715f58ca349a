/**
 * Builds the raw HTTP requests of complete verified calls, signed exactly as Twilio signs them
 * (HMAC-SHA1 over PUBLIC_BASE_URL + path + query + the sorted parameters), and writes one file per
 * connection for the load generator (bench/loadgen.ts; the wrk cross-check reads the same files).
 * Everything is computed before the load starts.
 */
import { randomBytes } from 'node:crypto';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import twilio from 'twilio';
import { codeForStep, timeStepAt } from '../src/domain/totp.js';
import type { SeededCustomer } from './seed.js';

/** The steps of a verified P1 call, in the order Twilio requests them. */
export const STEPS = ['incoming', 'id', 'code', 'priority'] as const;
export type Step = (typeof STEPS)[number];

export interface Signing {
  authToken: string;
  accountSid: string;
  publicBaseUrl: string;
  /** Host header value: where the load generator connects. */
  host: string;
}

const HOTLINE_NUMBER = '+18005550100';
let callers = 0;

/** The parameters Twilio posts on every voice webhook of an inbound US call. */
function callParams(callSid: string, from: string, accountSid: string, status: string): Record<string, string> {
  return {
    AccountSid: accountSid,
    ApiVersion: '2010-04-01',
    CallSid: callSid,
    CallStatus: status,
    Called: HOTLINE_NUMBER,
    CalledCity: '',
    CalledCountry: 'US',
    CalledState: '',
    CalledZip: '',
    Caller: from,
    CallerCity: 'SAN FRANCISCO',
    CallerCountry: 'US',
    CallerState: 'CA',
    CallerZip: '94105',
    Direction: 'inbound',
    From: from,
    FromCity: 'SAN FRANCISCO',
    FromCountry: 'US',
    FromState: 'CA',
    FromZip: '94105',
    To: HOTLINE_NUMBER,
    ToCity: '',
    ToCountry: 'US',
    ToState: '',
    ToZip: '',
  };
}

function rawRequest(signing: Signing, path: string, params: Record<string, string>): string {
  const signature = twilio.getExpectedTwilioSignature(signing.authToken, signing.publicBaseUrl + path, params);
  const body = new URLSearchParams(params).toString();
  return (
    `POST ${path} HTTP/1.1\r\n` +
    `Host: ${signing.host}\r\n` +
    'User-Agent: TwilioProxy/1.1\r\n' +
    'Accept: */*\r\n' +
    'Cache-Control: max-age=259200\r\n' +
    'Content-Type: application/x-www-form-urlencoded\r\n' +
    `X-Twilio-Signature: ${signature}\r\n` +
    `I-Twilio-Idempotency-Token: ${randomBytes(16).toString('hex')}\r\n` +
    'X-Home-Region: us1\r\n' +
    `Content-Length: ${Buffer.byteLength(body)}\r\n` +
    '\r\n' +
    body
  );
}

/** The four signed requests of one verified P1 call; the code is the customer's current one. */
export function callRequests(signing: Signing, customer: SeededCustomer, code: string, from: string): Array<[Step, string]> {
  const callSid = `CA${randomBytes(16).toString('hex')}`;
  const gather = (digits: string, finishedOnKey: string) => ({
    ...callParams(callSid, from, signing.accountSid, 'in-progress'),
    Digits: digits,
    FinishedOnKey: finishedOnKey,
    msg: 'Gather End',
  });
  return [
    ['incoming', rawRequest(signing, '/voice/incoming', callParams(callSid, from, signing.accountSid, 'ringing'))],
    ['id', rawRequest(signing, '/voice/step?step=0', gather(customer.customerId, '#'))],
    ['code', rawRequest(signing, '/voice/step?step=1', gather(code, ''))],
    ['priority', rawRequest(signing, '/voice/step?step=2', gather('1', ''))],
  ];
}

/**
 * Writes `calls` complete calls, one distinct customer each, spread over `connections` files
 * (conn-1.req ...). Codes are computed now, from the real secrets: the caller read them just before dialling.
 */
export function writeCallFiles(
  dir: string,
  signing: Signing,
  customers: SeededCustomer[],
  connections: number,
): { calls: number; bytes: number } {
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const step = timeStepAt(Date.now());
  const perConnection: string[][] = Array.from({ length: connections }, () => []);
  let bytes = 0;
  customers.forEach((customer, i) => {
    // A distinct calling number per call: no caller looks like one number cycling through IDs.
    const from = `+1415${String(2_000_000 + (callers++ % 7_000_000))}`;
    for (const [name, raw] of callRequests(signing, customer, codeForStep(customer.secret, step), from)) {
      // A record: "<step> <bytes>\n" then the raw request, so the Lua side reads it with one read(n).
      const record = `${name} ${Buffer.byteLength(raw)}\n${raw}`;
      perConnection[i % connections]!.push(record);
      bytes += record.length;
    }
  });
  perConnection.forEach((records, i) => writeFileSync(join(dir, `conn-${i + 1}.req`), records.join('')));
  return { calls: customers.length, bytes };
}
