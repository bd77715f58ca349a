import twilio from 'twilio';
import type { Harness } from './harness.js';

/** Posts form parameters to a webhook path, signed exactly as Twilio signs (unless told otherwise). */
export async function postSigned(
  h: Harness,
  path: string,
  params: Record<string, string>,
  signature: 'valid' | 'missing' | string = 'valid',
): Promise<{ status: number; body: string }> {
  const headers: Record<string, string> = { 'content-type': 'application/x-www-form-urlencoded' };
  if (signature === 'valid') {
    headers['x-twilio-signature'] = twilio.getExpectedTwilioSignature(h.config.twilio.authToken, h.config.publicBaseUrl + path, params);
  } else if (signature !== 'missing') {
    headers['x-twilio-signature'] = signature;
  }
  const res = await fetch(h.url + path, { method: 'POST', headers, body: new URLSearchParams(params) });
  return { status: res.status, body: await res.text() };
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
