import { createHmac } from 'node:crypto';

/**
 * The X-Twilio-Signature Twilio sends with a webhook: HMAC-SHA1, keyed with the auth token, over the
 * full URL (with its query string) followed by each POST parameter's name and value, sorted by name;
 * base64-encoded. GET requests carry their parameters in the URL and pass no params here.
 * Written out rather than taken from the twilio package so the simulator checks the server's
 * validation independently; the tests compare both against Twilio's documented example.
 */
export function twilioSignature(authToken: string, url: string, params: Readonly<Record<string, string>> = {}): string {
  const data = Object.keys(params)
    .sort()
    .reduce((acc, name) => acc + name + params[name], url);
  return createHmac('sha1', authToken).update(data, 'utf8').digest('base64');
}
