import Database from 'better-sqlite3';
import { existsSync, rmSync, statSync } from 'node:fs';
import { request } from 'node:http';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { tempDir } from '../support/harness.js';
import { startChild, type ChildServer } from './support/childServer.js';
import { callParams, newCallSid, nextAction, postWebhook } from './support/webhooks.js';

/** Sends the head of a signed webhook and part of its body, and returns a way to send the rest. */
function slowWebhook(s: ChildServer, path: string, body: string, signature: string) {
  const { port } = new URL(s.url);
  let resolveAnswer!: (a: { status: number; body: string }) => void;
  let rejectAnswer!: (e: Error) => void;
  const answer = new Promise<{ status: number; body: string }>((res, rej) => ((resolveAnswer = res), (rejectAnswer = rej)));
  const req = request({
    host: '127.0.0.1',
    port,
    path,
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', 'content-length': Buffer.byteLength(body), 'x-twilio-signature': signature },
  });
  req.on('response', (res) => {
    let text = '';
    res.on('data', (d: Buffer) => (text += d.toString('utf8')));
    res.on('end', () => resolveAnswer({ status: res.statusCode!, body: text }));
  });
  req.on('error', rejectAnswer);
  const half = Math.floor(body.length / 2);
  req.write(body.slice(0, half));
  return { answer, finish: () => req.end(body.slice(half)) };
}

describe('the server process, killed', () => {
  let dir: string;
  let running: ChildServer[] = [];
  beforeEach(() => {
    dir = tempDir();
  });
  afterEach(async () => {
    for (const s of running) if (s.child.exitCode === null && s.child.signalCode === null) s.child.kill('SIGKILL');
    await Promise.all(running.map((s) => s.exited));
    running = [];
    rmSync(dir, { recursive: true, force: true });
  });
  const start = async (env: Record<string, string> = {}) => {
    const s = await startChild(dir, env);
    running.push(s);
    return s;
  };

  it('killed with SIGKILL mid-call: restarted on the same database, the call goes on from where it was', async () => {
    const first = await start();
    const customerId = (await first.api('POST', '/api/customers', { name: 'Acme', plan: 'enterprise', tier: 'premium' })).body.customerId as string;
    const callSid = newCallSid(1);
    const welcome = await postWebhook(first, '/voice/incoming', callParams(callSid));
    const idStep = nextAction(welcome.body, first.publicBaseUrl);
    const askCode = await postWebhook(first, idStep, callParams(callSid, { Digits: customerId }));
    expect(askCode.body).toContain('6-digit code');
    const codeStep = nextAction(askCode.body, first.publicBaseUrl);

    // The caller types the code while the server dies: the request is cut off with the process.
    const code = (await first.api('GET', `/api/customers/${customerId}/one-time-token`)).body.code as string;
    const params = callParams(callSid, { Digits: code });
    const { default: twilio } = await import('twilio');
    const signature = twilio.getExpectedTwilioSignature(first.authToken, first.publicBaseUrl + codeStep, params);
    const inFlight = slowWebhook(first, codeStep, new URLSearchParams(params).toString(), signature);
    const cutOff = inFlight.answer.then(() => 'answered', (err: Error) => err.message);
    await new Promise((r) => setTimeout(r, 100));
    first.child.kill('SIGKILL');
    expect((await first.exited).code).toBe(null);
    expect(await cutOff).toBe('socket hang up');

    const second = await start();
    // Twilio retrying the ID step gets the answer it got before, not a new call.
    expect((await postWebhook(second, idStep, callParams(callSid, { Digits: customerId }))).body).toBe(askCode.body);
    // Twilio retrying the cut-off request: the code is accepted and the call continues to the priority menu.
    const verified = await postWebhook(second, codeStep, params);
    expect(verified.status).toBe(200);
    expect(verified.body).toContain('You are verified');
    expect(verified.body).toContain('press 1');
  }, 60_000);

});

describe('a running server process', () => {
  let s: ChildServer & { dir: string };
  beforeAll(async () => {
    const dir = tempDir();
    s = Object.assign(await startChild(dir, { HOTLINE_DB_BUSY_TIMEOUT_MS: '200' }), { dir });
  }, 30_000);
  afterAll(async () => {
    if (s.child.exitCode === null && s.child.signalCode === null) s.child.kill('SIGKILL');
    await s.exited;
    rmSync(s.dir, { recursive: true, force: true });
  });

  it('locked by another process past HOTLINE_DB_BUSY_TIMEOUT_MS: the caller is sent to the backup line at once', async () => {
    const other = new Database(`${s.dir}/hotline.sqlite`);
    other.exec('BEGIN IMMEDIATE');
    try {
      const started = Date.now();
      const answer = await postWebhook(s, '/voice/incoming', callParams(newCallSid(3)));
      expect(Date.now() - started).toBeLessThan(3000);
      expect(answer.body).toContain('<Number>+15555550123</Number>');
    } finally {
      other.exec('ROLLBACK');
      other.close();
    }
    const again = await postWebhook(s, '/voice/incoming', callParams(newCallSid(4)));
    expect(again.body).toContain('customer ID');
  }, 60_000);

  // Last: it stops the server.
  it('SIGTERM: no new connections, the request in flight gets its answer, the database closes checkpointed and intact, exit 0 within 10 s', async () => {
    const customerId = (await s.api('POST', '/api/customers', { name: 'Acme', plan: 'enterprise', tier: 'premium' })).body.customerId as string;
    const callSid = newCallSid(2);
    const welcome = await postWebhook(s, '/voice/incoming', callParams(callSid)); // leaves a keep-alive connection open
    const idStep = nextAction(welcome.body, s.publicBaseUrl);
    const params = callParams(callSid, { Digits: customerId });
    const { default: twilio } = await import('twilio');
    const inFlight = slowWebhook(s, idStep, new URLSearchParams(params).toString(), twilio.getExpectedTwilioSignature(s.authToken, s.publicBaseUrl + idStep, params));
    await new Promise((r) => setTimeout(r, 100));

    const signalledAt = Date.now();
    s.child.kill('SIGTERM');
    await s.log.waitFor(/^shutting down/);
    await expect(fetch(`${s.url}/healthz`)).rejects.toThrow(); // the listening socket is closed
    inFlight.finish();
    const answer = await inFlight.answer;
    expect(answer.status).toBe(200);
    expect(answer.body).toContain('6-digit code');

    const exit = await s.exited;
    expect(exit.code).toBe(0);
    expect(Date.now() - signalledAt).toBeLessThan(10_000);
    await s.log.waitFor(/^database closed; stopped$/);

    // Checkpointed: the main file alone holds every commit, and it is intact.
    const file = `${s.dir}/hotline.sqlite`;
    expect(!existsSync(`${file}-wal`) || statSync(`${file}-wal`).size === 0).toBe(true);
    const db = new Database(file, { readonly: true });
    try {
      expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
      expect(db.prepare('SELECT state, step FROM calls WHERE call_sid = ?').get(callSid)).toEqual({ state: 'askCode', step: 1 });
    } finally {
      db.close();
    }
  }, 60_000);
});
