import twilio from 'twilio';
import type { Harness } from './harness.js';

/**
 * Posts form parameters to a webhook path, signed exactly as Twilio signs (unless told otherwise). A list
 * value sends the name once per value, and is signed as Twilio's validator reads the parsed form.
 */
export async function postSigned(
  h: Harness,
  path: string,
  params: Record<string, string | string[]>,
  signature: 'valid' | 'missing' | string = 'valid',
): Promise<{ status: number; body: string; type: string }> {
  const headers: Record<string, string> = { 'content-type': 'application/x-www-form-urlencoded' };
  if (signature === 'valid') {
    headers['x-twilio-signature'] = twilio.getExpectedTwilioSignature(h.config.twilio.authToken, h.config.publicBaseUrl + path, params);
  } else if (signature !== 'missing') {
    headers['x-twilio-signature'] = signature;
  }
  const body = new URLSearchParams(Object.entries(params).flatMap(([name, value]) => (Array.isArray(value) ? value : [value]).map((v): [string, string] => [name, v])));
  const res = await fetch(h.url + path, { method: 'POST', headers, body });
  return { status: res.status, body: await res.text(), type: res.headers.get('content-type') ?? '' };
}

/** The parameters Twilio sends with every voice webhook of one call. */
export function callParams(callSid: string, extra: Record<string, string> = {}): Record<string, string> {
  return {
    CallSid: callSid,
    AccountSid: `AC${'0'.repeat(32)}`,
    From: '+14155550100',
    To: '+15555550199',
    CallStatus: 'in-progress',
    Direction: 'inbound',
    ApiVersion: '2010-04-01',
    ...extra,
  };
}
