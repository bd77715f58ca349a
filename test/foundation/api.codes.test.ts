import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { codeForStep, timeStepAt } from '../../src/domain/totp.js';
import { api, startHarness, type Harness } from '../support/harness.js';
import { base32Decode } from './support/base32.js';
import { UNKNOWN_ID, codeAt, plainSecret, wrongCode } from './support/fixtures.js';
import { describeEngines } from '../support/postgres.js';

describeEngines('admin API: codes, authenticators and unlock', (engine) => {
  let h: Harness;
  let customerId: string;
  beforeEach(async () => {
    h = await startHarness({ engine, now: Date.UTC(2026, 10, 23, 12, 0, 12) });
    customerId = (await api(h, 'POST', '/api/customers', { name: 'Acme Corp', plan: 'enterprise' })).body.customerId;
  });
  afterEach(async () => h.close());

  describe('GET /api/customers/:id/one-time-token', () => {
    it("answers the dashboard's current code, its period and the seconds it has left, uncached", async () => {
      const res = await fetch(`${h.url}/api/customers/${customerId}/one-time-token`, { headers: { authorization: `Bearer ${h.config.adminToken}` } });
      expect(res.status).toBe(200);
      expect(res.headers.get('cache-control')).toBe('no-store');
      const body = await res.json();
      const expected = codeForStep(await plainSecret(h.hotline, customerId, 'dashboard'), timeStepAt(h.clock.now()));
      expect(body).toEqual({ customerId, code: expected, period: 30, expiresInSeconds: 18 });
    });

    it('shows a new code when the 30 seconds are over, and the shown code verifies a call once', async () => {
      const first = (await api(h, 'GET', `/api/customers/${customerId}/one-time-token`)).body;
      h.clock.advance(18_000);
      const next = (await api(h, 'GET', `/api/customers/${customerId}/one-time-token`)).body;
      expect(next.expiresInSeconds).toBe(30);
      expect(next.code).not.toBe(first.code);
      expect(await h.hotline.verifyCaller(customerId, next.code, {})).toMatchObject({ verified: true });
      expect(await h.hotline.verifyCaller(customerId, next.code, {})).toMatchObject({ verified: false, reason: 'reused_code' });
    });

    it('answers 404 for an unknown customer', async () => {
      expect((await api(h, 'GET', `/api/customers/${UNKNOWN_ID}/one-time-token`)).status).toBe(404);
    });
  });

  describe('authenticator enrollment', () => {
    const enroll = () => api(h, 'POST', `/api/customers/${customerId}/authenticator`);
    const confirm = (code: unknown) => api(h, 'POST', `/api/customers/${customerId}/authenticator/confirm`, { code });

    it('answers an otpauth URI with issuer and label, a base32 secret of 160 bits or more, and an SVG QR code', async () => {
      const res = await enroll();
      expect(res.status).toBe(201);
      const uri = new URL(res.body.otpauthUri);
      expect(uri.protocol).toBe('otpauth:');
      expect(uri.host).toBe('totp');
      expect(decodeURIComponent(uri.pathname)).toBe(`/Hotline:${customerId}`);
      expect(uri.searchParams.get('issuer')).toBe('Hotline');
      expect(uri.searchParams.get('secret')).toBe(res.body.secret);
      expect(res.body.secret).toMatch(/^[A-Z2-7]+$/);
      expect(base32Decode(res.body.secret).length * 8).toBeGreaterThanOrEqual(160);
      expect(res.body.qrSvg).toMatch(/^<svg[^>]*xmlns="http:\/\/www.w3.org\/2000\/svg"[\s\S]*<\/svg>\s*$/);
    });

    it('a pending authenticator verifies no call', async () => {
      const secret = base32Decode((await enroll()).body.secret);
      expect(await h.hotline.verifyCaller(customerId, codeAt(h.hotline, secret), {})).toMatchObject({ verified: false, reason: 'wrong_code' });
    });

    it('confirm refuses a wrong or malformed code with 400 naming the code, then accepts the right one', async () => {
      const secret = base32Decode((await enroll()).body.secret);
      const wrong = await wrongCode(h.hotline, customerId);
      expect(await confirm(wrong)).toMatchObject({ status: 400, body: { field: 'code' } });
      expect(await confirm('12345')).toMatchObject({ status: 400, body: { field: 'code' } });
      expect(await confirm(123456)).toMatchObject({ status: 400, body: { field: 'code' } });
      expect(await confirm(codeAt(h.hotline, secret))).toEqual({ status: 200, body: { confirmed: true } });
    });

    it("after confirmation the app's next code verifies a call once; the confirming code does not", async () => {
      const secret = base32Decode((await enroll()).body.secret);
      const confirming = codeAt(h.hotline, secret);
      await confirm(confirming);
      expect(await h.hotline.verifyCaller(customerId, confirming, {})).toMatchObject({ verified: false, reason: 'reused_code' });
      h.clock.advance(30_000);
      const next = codeAt(h.hotline, secret);
      expect(await h.hotline.verifyCaller(customerId, next, {})).toMatchObject({ verified: true, factor: 'authenticator' });
      expect(await h.hotline.verifyCaller(customerId, next, {})).toMatchObject({ verified: false, reason: 'reused_code' });
    });

    it('enrolling again replaces the pending secret: only the newest one confirms', async () => {
      const firstSecret = base32Decode((await enroll()).body.secret);
      const secondSecret = base32Decode((await enroll()).body.secret);
      expect((await confirm(codeAt(h.hotline, firstSecret))).status).toBe(400);
      expect((await confirm(codeAt(h.hotline, secondSecret))).status).toBe(200);
    });

    it('confirm without a pending enrollment answers 409', async () => {
      expect(await confirm('123456')).toMatchObject({ status: 409, body: { error: 'conflict' } });
    });

    it('DELETE removes the authenticator: its codes stop verifying and a second DELETE is 404', async () => {
      const secret = base32Decode((await enroll()).body.secret);
      await confirm(codeAt(h.hotline, secret));
      expect(await api(h, 'DELETE', `/api/customers/${customerId}/authenticator`)).toEqual({ status: 204, body: undefined });
      expect(await h.hotline.verifyCaller(customerId, codeAt(h.hotline, secret, 1), {})).toMatchObject({ verified: false, reason: 'wrong_code' });
      expect(await api(h, 'DELETE', `/api/customers/${customerId}/authenticator`)).toMatchObject({ status: 404, body: { message: 'authenticator not found' } });
    });

    it.each([
      ['POST', '/authenticator'],
      ['POST', '/authenticator/confirm'],
      ['DELETE', '/authenticator'],
    ])('%s %s answers 404 for an unknown customer', async (method, suffix) => {
      const res = await api(h, method, `/api/customers/${UNKNOWN_ID}${suffix}`, method === 'POST' && suffix.endsWith('confirm') ? { code: '123456' } : undefined);
      expect(res).toMatchObject({ status: 404, body: { message: 'customer not found' } });
    });

    it('confirm answers 400 for a body without a code', async () => {
      await enroll();
      expect(await api(h, 'POST', `/api/customers/${customerId}/authenticator/confirm`, {})).toMatchObject({ status: 400, body: { field: 'code' } });
    });
  });

  describe('POST /api/customers/:id/unlock', () => {
    it('clears a lock so the right code verifies again (the next one: a code typed while locked is spent)', async () => {
      for (let i = 0; i < 5; i++) await h.hotline.verifyCaller(customerId, await wrongCode(h.hotline, customerId), {});
      const code = (await api(h, 'GET', `/api/customers/${customerId}/one-time-token`)).body.code;
      expect(await h.hotline.verifyCaller(customerId, code, {})).toMatchObject({ reason: 'locked' });
      expect(await api(h, 'POST', `/api/customers/${customerId}/unlock`)).toEqual({ status: 200, body: { unlocked: true } });
      expect(await h.hotline.verifyCaller(customerId, code, {})).toMatchObject({ verified: false, reason: 'reused_code' });
      h.clock.advance(30_000);
      const next = (await api(h, 'GET', `/api/customers/${customerId}/one-time-token`)).body.code;
      expect(await h.hotline.verifyCaller(customerId, next, {})).toMatchObject({ verified: true });
    });

    it('answers unlocked:false when there was nothing to clear, and 404 for an unknown customer', async () => {
      expect((await api(h, 'POST', `/api/customers/${customerId}/unlock`)).body).toEqual({ unlocked: false });
      expect((await api(h, 'POST', `/api/customers/${UNKNOWN_ID}/unlock`)).status).toBe(404);
    });
  });
});
