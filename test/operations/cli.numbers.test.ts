import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tempDir, TEST_ACCOUNT_SID, TEST_AUTH_TOKEN } from '../support/harness.js';
import { startTwilioStandIn, type TwilioStandIn } from '../support/twilioStandIn.js';
import { hotline, productionEnv } from '../foundation/support/cli.js';

// Each step is a process start (about 1.5 s of CPU under tsx): one run per thing shown.
const BUDGET = 60_000;

describe('hotline numbers: languages, and wiring a Twilio number', () => {
  let dir: string;
  let env: Record<string, string>;
  let twilio: TwilioStandIn;
  beforeAll(async () => {
    dir = tempDir();
    twilio = await startTwilioStandIn({ accountSid: TEST_ACCOUNT_SID, authToken: TEST_AUTH_TOKEN });
    env = {
      ...productionEnv(dir),
      LOG_LEVEL: 'silent',
      PUBLIC_BASE_URL: 'https://hotline.example.com',
      HOTLINE_TWILIO_API_URL: twilio.url,
    };
  });
  afterAll(async () => {
    await twilio.close();
    rmSync(dir, { recursive: true, force: true });
  });
  const run = (args: string[], extra: Record<string, string> = {}) => hotline(args, { cwd: dir, env: { ...env, ...extra } });

  it('sets the language a number answers in and lists it with an ISO time', async () => {
    const set = await run(['numbers', 'set', '+81312345678', '--language', 'ja-JP']);
    expect(set).toMatchObject({ code: 0, stdout: '+81312345678 answers in ja-JP.\n' });
    const listed = await run(['numbers', 'list', '--json']);
    expect(listed.json().items).toEqual([{ e164: '+81312345678', language: 'ja-JP', updatedAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT.*Z$/) }]);
    const bad = await run(['numbers', 'set', '+81312345678', '--language', 'fr-FR']);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/^hotline: --language: Invalid option: expected one of "en-US"\|"ja-JP"\n$/);
  }, BUDGET);

  it('wires a number: looked up by phone number, then its voice URL, fallback URL and status callback set with POST', async () => {
    const number = twilio.addNumber('+14155550199');
    twilio.addNumber('+14155550198');
    const overrides = 'ct=1500&rt=6000';
    const res = await run(['numbers', 'wire', '+14155550199', '--base-url', 'https://hotline.example.com/', '--json'], {
      HOTLINE_TWILIO_CONNECTION_OVERRIDES: overrides,
    });
    expect(res).toMatchObject({ code: 0, stderr: '' });
    expect(res.json()).toEqual({
      e164: '+14155550199',
      sid: number.sid,
      voiceUrl: `https://hotline.example.com/voice/incoming#${overrides}`,
      voiceMethod: 'POST',
      voiceFallbackUrl: 'https://hotline.example.com/voice/fallback',
      voiceFallbackMethod: 'POST',
      statusCallback: `https://hotline.example.com/voice/status#${overrides}`,
      statusCallbackMethod: 'POST',
    });
    // What Twilio now holds, and that it was asked as the Twilio CLI asks: by number, then by the number's SID.
    expect(twilio.numbers[0]).toMatchObject({ voiceUrl: `https://hotline.example.com/voice/incoming#${overrides}`, voiceFallbackUrl: 'https://hotline.example.com/voice/fallback' });
    expect(twilio.numbers[1]).toMatchObject({ voiceUrl: '' });
    const [lookup] = twilio.requestsOf('numbers.list');
    expect(lookup).toMatchObject({ method: 'GET', authorized: true });
    const [update] = twilio.requestsOf('numbers.update');
    expect(update).toMatchObject({ path: `/2010-04-01/Accounts/${TEST_ACCOUNT_SID}/IncomingPhoneNumbers/${number.sid}.json`, authorized: true });
  }, BUDGET);

  it('a number the account does not have, a base URL Twilio could not sign, and local mode are one line each', async () => {
    const missing = await run(['numbers', 'wire', '+14155550000', '--base-url', 'https://hotline.example.com']);
    expect(missing).toMatchObject({ code: 1, stdout: '', stderr: 'hotline: +14155550000 in the Twilio account not found\n' });
    const query = await run(['numbers', 'wire', '+14155550199', '--base-url', 'https://hotline.example.com/?x=1']);
    expect(query).toMatchObject({ code: 1, stderr: 'hotline: --base-url: must have no query or #fragment (connection overrides come from HOTLINE_TWILIO_CONNECTION_OVERRIDES)\n' });
    const local = await hotline(['numbers', 'wire', '+14155550199', '--base-url', 'https://hotline.example.com'], { cwd: dir, env: { HOTLINE_DB: join(dir, 'local.sqlite') } });
    expect(local).toMatchObject({ code: 1, stderr: 'hotline: configuration error: numbers wire needs the Twilio account: set TWILIO_ACCOUNT_SID and TWILIO_AUTH_TOKEN\n' });
  }, BUDGET);
});
