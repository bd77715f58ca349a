import { randomBytes } from 'node:crypto';
import { afterEach, expect, it } from 'vitest';
import { startHarness, TEST_ACCOUNT_SID, TEST_AUTH_TOKEN, type Harness } from '../support/harness.js';
import { startTwilioStandIn, type TwilioStandIn } from '../support/twilioStandIn.js';
import { agentWithPassword, ConsoleClient } from './support/consoleClient.js';
import { p2Call } from './support/twilio.js';
import { describeEngines } from '../support/postgres.js';

describeEngines("a callback's recorded description, played in the console", (engine) => {
  let h: Harness | undefined;
  let twilio: TwilioStandIn | undefined;
  afterEach(async () => {
    await h?.close();
    await twilio?.close();
  });

  async function setUp() {
    twilio = await startTwilioStandIn({ accountSid: TEST_ACCOUNT_SID, authToken: TEST_AUTH_TOKEN });
    h = await startHarness({ engine, env: { HOTLINE_TWILIO_API_URL: twilio.url } });
    const customer = await h.hotline.customers.create({ name: 'Acme Corp', plan: 'enterprise', tier: 'standard' });
    const sid = await p2Call(h, customer.customerId);
    const callback = (await h.hotline.store.callbacks.byCallSid(sid))!;
    const { agent, password } = await agentWithPassword(h, { onDuty: false });
    const c = new ConsoleClient(h);
    expect((await c.signIn(agent.agentId, password)).status).toBe(303);
    return { h, twilio, c, sid, callback };
  }

  it('is served by the hotline from Twilio with the account credentials, which the page never holds', async () => {
    const { h, twilio, c, sid, callback } = await setUp();
    const recordingSid = `RE${randomBytes(16).toString('hex')}`;
    const media = Buffer.concat([Buffer.from('ID3'), randomBytes(2048)]);
    twilio.recordings.set(recordingSid, media);
    await h.hotline.store.callbacks.attachRecording(sid, `https://api.twilio.com/2010-04-01/Accounts/${TEST_ACCOUNT_SID}/Recordings/${recordingSid}`, 12, h.clock.now());

    const page = await c.get(`/console/callbacks/${callback.callbackId}`);
    expect(page.text).toContain(`<audio controls preload="none" src="/console/callbacks/${callback.callbackId}/recording"`);
    expect(page.text).not.toContain('api.twilio.com');
    const res = await fetch(`${h.url}/console/callbacks/${callback.callbackId}/recording`, { headers: { cookie: c.cookieHeader } });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('audio/mpeg');
    expect(res.headers.get('cache-control')).toBe('private, no-store');
    expect(Buffer.from(await res.arrayBuffer()).equals(media)).toBe(true);
    const asked = twilio.requests.filter((r) => r.path.endsWith(`${recordingSid}.mp3`));
    expect(asked).toHaveLength(1);
    expect(asked[0]!.authorized).toBe(true);

    // Signed out, nothing.
    expect((await fetch(`${h.url}/console/callbacks/${callback.callbackId}/recording`, { redirect: 'manual' })).status).not.toBe(200);
  });

  it("fetches nothing for a stored URL that is not one of this account's recordings, and says when Twilio has none", async () => {
    const { h, twilio, c, sid, callback } = await setUp();
    // Another account's recording: not fetched at all.
    await h.hotline.store.callbacks.attachRecording(sid, `https://api.twilio.com/2010-04-01/Accounts/AC${'1'.repeat(32)}/Recordings/RE${'1'.repeat(32)}`, 5, h.clock.now());
    const foreign = await fetch(`${h.url}/console/callbacks/${callback.callbackId}/recording`, { headers: { cookie: c.cookieHeader, accept: 'text/html' } });
    expect(foreign.status).toBe(404);
    const recordingRequests = () => twilio.requests.filter((r) => r.path.includes('/Recordings/'));
    expect(recordingRequests()).toHaveLength(0);

    const other = await h.hotline.customers.create({ name: 'Beta Ltd', plan: 'enterprise', tier: 'standard' });
    const sid2 = await p2Call(h, other.customerId, '+14155550124');
    const second = (await h.hotline.store.callbacks.byCallSid(sid2))!;
    // A URL naming another host is fetched from the configured Twilio API, never from that host.
    await h.hotline.store.callbacks.attachRecording(sid2, `https://attacker.example/2010-04-01/Accounts/${TEST_ACCOUNT_SID}/Recordings/RE${'2'.repeat(32)}`, 5, h.clock.now());
    const gone = await fetch(`${h.url}/console/callbacks/${second.callbackId}/recording`, { headers: { cookie: c.cookieHeader, accept: 'text/html' } });
    expect(gone.status).toBe(404);
    expect(await gone.text()).toContain('Twilio no longer has this recording.');
    expect(recordingRequests().map((r) => r.path)).toEqual([`/2010-04-01/Accounts/${TEST_ACCOUNT_SID}/Recordings/RE${'2'.repeat(32)}.mp3`]);
  });
});
