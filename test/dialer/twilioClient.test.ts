import { randomBytes } from 'node:crypto';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import twilio from 'twilio';
import { loadConfig } from '../../src/config.js';
import { createTwilioClient, rewriteApiUri } from '../../src/twilio/client.js';
import { TEST_ACCOUNT_SID, TEST_AUTH_TOKEN, tempDir, testConfig } from '../support/harness.js';
import { startTwilioStandIn, type TwilioStandIn } from '../support/twilioStandIn.js';

describe('the twilio REST client', () => {
  const dir = tempDir();
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('sends api.twilio.com requests (with any region or edge) to HOTLINE_TWILIO_API_URL, and other hosts where they were', () => {
    const target = new URL('https://twilio-edge.example.com/stand-in/');
    const path = '/2010-04-01/Accounts/AC1/Calls.json?PageSize=1';
    expect(rewriteApiUri(`https://api.twilio.com${path}`, target)).toBe(`https://twilio-edge.example.com/stand-in${path}`);
    expect(rewriteApiUri(`https://api.sydney.au1.twilio.com${path}`, target)).toBe(`https://twilio-edge.example.com/stand-in${path}`);
    expect(rewriteApiUri('https://voice.twilio.com/v1/DialingPermissions', target)).toBe('https://voice.twilio.com/v1/DialingPermissions');
  });

  it('is not built in local mode, where the credentials were generated', () => {
    const config = loadConfig({
      HOTLINE_DB: join(dir, 'local', 'hotline.sqlite'),
      HOTLINE_SECRET_KEY: randomBytes(32).toString('base64'),
      HOTLINE_ADMIN_TOKEN: 'test-admin-token-0123456789abcdef',
    });
    expect(config.twilio.canPlaceCalls).toBe(false);
    expect(createTwilioClient(config)).toBeUndefined();
  });

  describe('against the local stand-in', () => {
    let standIn: TwilioStandIn;
    beforeEach(async () => {
      standIn = await startTwilioStandIn({ accountSid: TEST_ACCOUNT_SID, authToken: TEST_AUTH_TOKEN });
    });
    afterEach(async () => standIn.close());

    it('creates a call and a message with Basic auth, as the real API would be asked', async () => {
      const client = createTwilioClient(testConfig(dir, { HOTLINE_TWILIO_API_URL: standIn.url }))!;
      const call = await client.calls.create({ to: '+14155550111', from: '+15005550006', url: 'https://example.com/a', statusCallbackEvent: ['initiated', 'completed'] });
      const message = await client.messages.create({ to: '+14155550111', from: '+15005550006', body: 'hello' });

      expect(call.sid).toMatch(/^CA[0-9a-f]{32}$/);
      expect(call.status).toBe('queued');
      expect(message.sid).toMatch(/^SM[0-9a-f]{32}$/);
      expect(standIn.requests.map((r) => [r.kind, r.authorized])).toEqual([
        ['calls.create', true],
        ['messages.create', true],
      ]);
      expect(standIn.apiCalls[0]).toMatchObject({ url: 'https://example.com/a', statusCallbackEvents: ['initiated', 'completed'] });
      expect((await client.calls(call.sid).fetch()).status).toBe('queued');
    });

    it('is refused with a wrong auth token, and a Twilio error reaches the caller as a RestException', async () => {
      const client = createTwilioClient(testConfig(dir, { HOTLINE_TWILIO_API_URL: standIn.url, TWILIO_AUTH_TOKEN: 'another-token-0123456789abcdef' }))!;
      await expect(client.messages.create({ to: '+14155550111', from: '+15005550006', body: 'x' })).rejects.toMatchObject({ status: 401, code: 20003 });
      expect(standIn.requests[0]).toMatchObject({ authorized: false, answered: 401 });

      standIn.failNext('messages', { status: 400, code: 21211, message: 'invalid To' });
      const good = createTwilioClient(testConfig(dir, { HOTLINE_TWILIO_API_URL: standIn.url }))!;
      const failure = await good.messages.create({ to: '+1', from: '+15005550006', body: 'x' }).catch((e: unknown) => e);
      expect(failure).toBeInstanceOf(twilio.RestException);
      expect(failure).toMatchObject({ status: 400, code: 21211 });
    });
  });
});
