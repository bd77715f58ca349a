import { randomBytes } from 'node:crypto';
import twilio from 'twilio';
import { TEST_AUTH_TOKEN, type Harness } from '../../support/harness.js';

/** A CallSid as Twilio makes them. */
export const callSid = () => `CA${randomBytes(16).toString('hex')}`;

/** Posts a webhook signed exactly as Twilio signs it; returns the TwiML. */
export async function twilioPost(h: Harness, path: string, params: Record<string, string>): Promise<string> {
  const url = `${h.config.publicBaseUrl}${path}`;
  const signature = twilio.getExpectedTwilioSignature(TEST_AUTH_TOKEN, url, params);
  const res = await fetch(`${h.url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-twilio-signature': signature },
    body: new URLSearchParams(params).toString(),
  });
  if (res.status !== 200) throw new Error(`${path} answered ${res.status}`);
  return res.text();
}

/**
 * Plays a verified P2 call through the real webhooks: ID, one-time code, 2 for P2. The flow books
 * the callback as soon as the caller chooses P2. Returns the call's SID.
 */
export async function p2Call(h: Harness, customerId: string, from = '+14155550123'): Promise<string> {
  const sid = callSid();
  const base = { CallSid: sid, From: from, To: '+18005550100', AccountSid: h.config.twilio.accountSid };
  await twilioPost(h, '/voice/incoming', base);
  await twilioPost(h, '/voice/step?step=0', { ...base, Digits: customerId });
  const { code } = await h.hotline.customers.dashboardCode(customerId);
  await twilioPost(h, '/voice/step?step=1', { ...base, Digits: code });
  const booked = await twilioPost(h, '/voice/step?step=2', { ...base, Digits: '2' });
  if (!(await h.hotline.store.callbacks.byCallSid(sid))) throw new Error(`no callback booked: ${booked}`);
  return sid;
}
