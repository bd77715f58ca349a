import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parseTwiml } from '../../src/simulator/twiml.js';
import { BACKUP, startFaultServer, type FaultServer } from './support/inProcess.js';
import { callParams, newCallSid, nextAction, postWebhook } from './support/webhooks.js';

/** The numbers a TwiML answer dials. */
function dialed(twiml: string): string[] {
  const numbers: string[] = [];
  const visit = (node: ReturnType<typeof parseTwiml>) => {
    if (node.name === 'Number') numbers.push(node.text);
    node.children.forEach(visit);
  };
  visit(parseTwiml(twiml));
  return numbers;
}

describe('when the database fails mid-call, the caller still reaches a human on the backup line', () => {
  let s: FaultServer;
  let customerId: string;
  let n = 0;
  beforeEach(async () => {
    s = await startFaultServer();
    customerId = (await s.hotline.customers.create({ name: 'Acme', plan: 'enterprise', tier: 'premium' })).customerId;
  });
  afterEach(async () => {
    await s.close();
  });

  /** A call that has typed its customer ID and is now asked for the code; returns where the code goes. */
  async function callAtCodePrompt(callSid: string): Promise<string> {
    const first = await postWebhook(s, '/voice/incoming', callParams(callSid));
    const asked = await postWebhook(s, nextAction(first.body, s.publicBaseUrl), callParams(callSid, { Digits: customerId }));
    expect(asked.body).toContain('6-digit code');
    return nextAction(asked.body, s.publicBaseUrl);
  }

  it('locked by another connection past the busy timeout: the code step answers with the backup line, fast', async () => {
    const callSid = newCallSid(++n);
    const codeStep = await callAtCodePrompt(callSid);
    const other = new Database(s.config.dbPath);
    other.exec('BEGIN IMMEDIATE'); // another writer (a CLI, a stuck worker) holds the write lock
    try {
      const started = Date.now();
      const answer = await postWebhook(s, codeStep, callParams(callSid, { Digits: (await s.hotline.customers.dashboardCode(customerId)).code }));
      expect(Date.now() - started).toBeLessThan(2000); // HOTLINE_DB_BUSY_TIMEOUT_MS=100, far inside Twilio's 15 s
      expect(answer.status).toBe(200);
      expect(dialed(answer.body)).toEqual([BACKUP]);
      expect(answer.body).toContain('backup line');

      // A new call while the lock lasts is answered the same way, not with silence or a Twilio error.
      const fresh = await postWebhook(s, '/voice/incoming', callParams(newCallSid(++n)));
      expect(dialed(fresh.body)).toEqual([BACKUP]);
    } finally {
      other.exec('ROLLBACK');
      other.close();
    }
    // Once the lock is gone the line answers normally again.
    const after = await postWebhook(s, '/voice/incoming', callParams(newCallSid(++n)));
    expect(dialed(after.body)).toEqual([]);
    expect(after.body).toContain('customer ID');

    const failures = s.logs.records().filter((r) => r.msg === 'voice webhook failed; caller sent to the backup line');
    expect(failures.length).toBe(2);
    expect(failures[0]).toMatchObject({ callSid, level: 50 });
    expect(s.logs.text).not.toContain((await s.hotline.customers.dashboardCode(customerId)).code);
    const metrics = await s.hotline.metrics.registry.getSingleMetricAsString('hotline_voice_apologies_total');
    expect(metrics).toContain('hotline_voice_apologies_total{route="/voice/step",cause="error"} 1');
    expect(metrics).toContain('hotline_voice_apologies_total{route="/voice/incoming",cause="error"} 1');
  });

  it('unwritable (read-only) mid-call: the code step answers with the backup line', async () => {
    const callSid = newCallSid(++n);
    const codeStep = await callAtCodePrompt(callSid);
    s.db.pragma('query_only = ON'); // every write now fails as on a read-only file system
    try {
      const answer = await postWebhook(s, codeStep, callParams(callSid, { Digits: '123456' }));
      expect(answer.status).toBe(200);
      expect(dialed(answer.body)).toEqual([BACKUP]);
    } finally {
      s.db.pragma('query_only = OFF');
    }
  });

  it('gone (the connection closed) mid-call: backup line for the caller, /readyz says why, /healthz and the fallback URL still answer', async () => {
    const callSid = newCallSid(++n);
    const codeStep = await callAtCodePrompt(callSid);
    expect((await fetch(`${s.url}/readyz`)).status).toBe(200);
    s.db.close();

    const answer = await postWebhook(s, codeStep, callParams(callSid, { Digits: '123456' }));
    expect(answer.status).toBe(200);
    expect(dialed(answer.body)).toEqual([BACKUP]);

    const ready = await fetch(`${s.url}/readyz`);
    expect(ready.status).toBe(503);
    expect(await ready.json()).toEqual({ status: 'unavailable', database: 'unavailable', reason: 'database connection is closed' });
    expect((await fetch(`${s.url}/healthz`)).status).toBe(200);

    const fallback = await postWebhook(s, '/voice/fallback', callParams(callSid, { ErrorCode: '11200', ErrorUrl: `${s.publicBaseUrl}${codeStep}` }));
    expect(dialed(fallback.body)).toEqual([BACKUP]);

    // Where Twilio allows no Dial, a failure answers what it allows: a waiting caller leaves the
    // queue (the Enqueue's action then answers for the call), an agent's whisper leg hangs up.
    const waiting = newCallSid(++n);
    for (const [path, verb] of [
      [`/voice/queue/wait?call=${waiting}`, 'Leave'],
      [`/voice/queue/key?call=${waiting}`, 'Leave'],
      [`/voice/whisper?call=${waiting}&agent=1`, 'Hangup'],
      [`/voice/whisper/accept?call=${waiting}&agent=1&lang=en-US`, 'Hangup'],
    ] as const) {
      const failed = await postWebhook(s, path, callParams(newCallSid(++n), { Digits: '1' }));
      expect(failed.status).toBe(200);
      expect(parseTwiml(failed.body).children.map((c) => c.name)).toEqual([verb]);
    }

    // Counters still scrape; the gauges that need the database are left out and counted.
    const metrics = await s.hotline.metrics.registry.metrics();
    expect(metrics).toContain('hotline_voice_apologies_total{route="/voice/fallback",cause="fallback_url"} 1');
    expect(metrics).toMatch(/hotline_metrics_scrape_errors_total\{gauge="hotline_callbacks_open"\} [1-9]/);
  });
});
