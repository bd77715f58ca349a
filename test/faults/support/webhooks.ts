import twilio from 'twilio';

export { callParams } from '../../support/twilioRequests.js';

/** Where requests go and what the signature covers: they differ when the server runs behind a proxy. */
export interface Target {
  /** The address the test connects to. */
  url: string;
  /** PUBLIC_BASE_URL: what Twilio signs, and what action URLs in the TwiML start with. */
  publicBaseUrl: string;
  authToken: string;
}

/** Posts a voice webhook signed exactly as Twilio signs it; `path` may carry a query string. */
export async function postWebhook(t: Target, path: string, params: Record<string, string>): Promise<{ status: number; body: string }> {
  const signature = twilio.getExpectedTwilioSignature(t.authToken, t.publicBaseUrl + path, params);
  const res = await fetch(t.url + path, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-twilio-signature': signature },
    body: new URLSearchParams(params),
  });
  return { status: res.status, body: await res.text() };
}

/** The path and query of the first action URL in a TwiML answer (where the next webhook of the call goes). */
export function nextAction(twiml: string, publicBaseUrl: string): string {
  const match = /action="([^"]+)"/.exec(twiml);
  if (!match) throw new Error(`no action URL in ${twiml}`);
  const url = match[1]!.replace(/&amp;/g, '&');
  if (!url.startsWith(publicBaseUrl)) throw new Error(`action ${url} is not under ${publicBaseUrl}`);
  return url.slice(publicBaseUrl.length);
}

/** A CallSid as Twilio makes them: CA and 32 hex digits. */
export function newCallSid(n: number): string {
  return `CA${n.toString(16).padStart(32, '0')}`;
}
