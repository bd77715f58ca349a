import twilio from 'twilio';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TEST_ADMIN_TOKEN, api, startHarness, type Harness } from '../support/harness.js';

const SECURITY_HEADERS = {
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'x-frame-options': 'DENY',
  'cross-origin-opener-policy': 'same-origin',
};

describe('security headers and body size caps', () => {
  let h: Harness;
  let https: Harness;
  beforeAll(async () => {
    h = await startHarness();
    https = await startHarness({ env: { PUBLIC_BASE_URL: 'https://hotline.example.com' } });
  });
  afterAll(async () => {
    await h.close();
    await https.close();
  });

  const signedPost = (path: string, body: string, params: Record<string, string | string[]>) =>
    fetch(h.url + path, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        'x-twilio-signature': twilio.getExpectedTwilioSignature(h.config.twilio.authToken, h.config.publicBaseUrl + path, params),
      },
      body,
    });

  it('every kind of response carries them: health, API, refusals, webhooks, metrics, unknown paths', async () => {
    const responses = [
      await fetch(`${h.url}/healthz`),
      await fetch(`${h.url}/readyz`),
      await fetch(`${h.url}/api/customers`, { headers: { authorization: `Bearer ${TEST_ADMIN_TOKEN}` } }),
      await fetch(`${h.url}/api/customers`),
      await fetch(`${h.url}/voice/incoming`, { method: 'POST' }),
      await fetch(`${h.url}/metrics`, { headers: { authorization: `Bearer ${TEST_ADMIN_TOKEN}` } }),
      await fetch(`${h.url}/no-such-page`),
    ];
    for (const res of responses) {
      for (const [name, value] of Object.entries(SECURITY_HEADERS)) expect(res.headers.get(name), `${res.url} ${name}`).toBe(value);
      expect(res.headers.get('x-powered-by')).toBeNull();
      expect(res.headers.get('strict-transport-security')).toBeNull(); // not over plain http
    }
    expect((await fetch(`${h.url}/api/customers`, { headers: { authorization: `Bearer ${TEST_ADMIN_TOKEN}` } })).headers.get('cache-control')).toBe('no-store');
  });

  it('HSTS when the public URL is https', async () => {
    expect((await fetch(`${https.url}/healthz`)).headers.get('strict-transport-security')).toBe('max-age=31536000; includeSubDomains');
  });

  it('an API body over 16 kB is a 413 JSON error, not a 5xx', async () => {
    const res = await api(h, 'POST', '/api/customers', { name: 'x'.repeat(17 * 1024), plan: 'enterprise' });
    expect(res).toEqual({ status: 413, body: { error: 'invalid_request', message: 'body: is too large' } });
  });

  it('a webhook body over 64 kB, or with more than 200 parameters, is a 413 before anything is acted on', async () => {
    const huge = { CallSid: `CA${'1'.repeat(32)}`, Padding: 'x'.repeat(65 * 1024) };
    const big = await signedPost('/voice/incoming', new URLSearchParams(huge).toString(), huge);
    expect(big.status).toBe(413);
    expect(await big.text()).toBe('request too large');
    const fallback = await signedPost('/voice/fallback', new URLSearchParams(huge).toString(), huge);
    expect(fallback.status).toBe(413);

    const many = Object.fromEntries(Array.from({ length: 201 }, (_, i) => [`P${i}`, '1']));
    const tooMany = await signedPost('/voice/incoming', new URLSearchParams(many).toString(), many);
    expect(tooMany.status).toBe(413);
    expect((await h.hotline.store.calls.get(huge.CallSid))).toBeUndefined();
  });
});
