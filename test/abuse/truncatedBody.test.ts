import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { metricTotal, startHarness, type Harness } from '../support/harness.js';
import { callParams, postSigned } from '../support/twilioRequests.js';

/** Sends the head of a POST promising 100 bytes, 10 bytes of body, then closes the socket. */
function truncatedPost(h: Harness, path: string): Promise<string> {
  const { port } = new URL(h.url);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), '127.0.0.1', () => {
      socket.write(
        [
          `POST ${path} HTTP/1.1`,
          `Host: 127.0.0.1:${port}`,
          'Content-Type: application/x-www-form-urlencoded',
          'X-Twilio-Signature: bm90LWEtc2lnbmF0dXJl',
          'Content-Length: 100',
          '',
          'CallSid=CA',
        ].join('\r\n'),
      );
      // Let the server start reading the body before the client goes away.
      setTimeout(() => socket.destroy(), 50);
    });
    let answer = '';
    socket.on('data', (chunk) => (answer += chunk.toString('utf8')));
    socket.on('close', () => resolve(answer));
    socket.on('error', reject);
  });
}

describe('a webhook whose client goes away mid-body', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ env: { HOTLINE_BACKUP_NUMBER: '+15555550123' } });
  });
  afterAll(async () => h.close());

  const apologies = () => metricTotal(h, 'hotline_voice_apologies_total');
  const errorLines = () => h.logs.records().filter((r) => (r.level as number) >= 50);

  it('is logged at debug, answered nothing, and counts no apology: nobody is paged for it', async () => {
    const before = await apologies();
    for (const path of ['/voice/incoming', '/voice/step?step=0', '/voice/queue/wait?call=CA1', '/voice/whisper', '/voice/fallback']) {
      expect(await truncatedPost(h, path)).toBe('');
    }
    // Each one was seen through (one log line) before the metric is read.
    const seen = () => h.logs.records().filter((r) => String(r.msg).startsWith('voice webhook'));
    await expect.poll(() => seen().length).toBe(5);
    expect(await apologies()).toBe(before);
    expect(errorLines()).toEqual([]);
    expect(seen().map((r) => [r.level, r.msg])).toEqual(Array(5).fill([20, 'voice webhook body cut off by the client']));

    // The line still answers the next call.
    const next = await postSigned(h, '/voice/incoming', callParams(`CA${'7'.repeat(32)}`));
    expect(next.status).toBe(200);
    expect(next.body).toContain('<Gather');
  });
});
