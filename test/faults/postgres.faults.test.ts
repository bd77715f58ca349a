// PostgreSQL goes away mid-call, on a cluster of this file's own (stopping it disturbs no other suite):
// every voice webhook still answers within 2 s with what Twilio can play, /readyz says why, a step cut
// off mid-transaction leaves nothing behind, and the same server recovers once the database is back.
import { readdirSync, readFileSync } from 'node:fs';
import pg from 'pg';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { findPostgresBin, startPostgres, type ThrowawayPostgres } from '../../scripts/postgres.mjs';
import { DEFAULT_ACQUIRE_TIMEOUT_MS, DEFAULT_STATEMENT_TIMEOUT_MS } from '../../src/db/postgres/settings.js';
import { parseTwiml } from '../../src/simulator/twiml.js';
import { addAgent, addCustomer, dashboardCode, placeCall } from '../support/calls.js';
import { startHarness, type Harness } from '../support/harness.js';
import { callParams, postSigned } from '../support/twilioRequests.js';

const BACKUP = '+15555550123';
/** Accepted and ignored by the cluster's trust authentication: here to prove it is never shown. */
const PASSWORD = 'pw-never-shown-5d3a';

/** Runs `suite` where PostgreSQL is installed; otherwise one skipped test says why (and CI fails). */
function describeOwnCluster(name: string, suite: () => void): void {
  if (findPostgresBin()) {
    describe(name, suite);
    return;
  }
  if (process.env.CI) throw new Error('CI is set but PostgreSQL is not installed');
  describe(name, () => it.skip('needs PostgreSQL: apt-get install postgresql (see npm run postgres)', () => {}));
}

/** The cluster's server processes: the postmaster and every process it started (backends, workers). */
function serverProcesses(postmaster: number): number[] {
  const children = readdirSync('/proc')
    .filter((entry) => /^\d+$/.test(entry))
    .filter((pid) => {
      try {
        // Field 4 of /proc/PID/stat, after the parenthesised command name, is the parent's pid.
        const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
        return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]) === postmaster;
      } catch {
        return false; // gone meanwhile
      }
    })
    .map(Number);
  return [postmaster, ...children];
}

/** The numbers a TwiML answer dials, and the names of its top-level verbs. */
function shape(twiml: string): { verbs: string[]; dialed: string[] } {
  const dialed: string[] = [];
  const visit = (node: ReturnType<typeof parseTwiml>) => {
    if (node.name === 'Number') dialed.push(node.text);
    node.children.forEach(visit);
  };
  const doc = parseTwiml(twiml);
  visit(doc);
  return { verbs: doc.children.map((c) => c.name), dialed };
}

const sid = (n: number) => `CA${n.toString(16).padStart(32, 'a')}`;

/** The path of the first action URL in a TwiML answer. */
function actionOf(h: Harness, twiml: string): string {
  const url = /action="([^"]+)"/.exec(twiml)![1]!.replace(/&amp;/g, '&');
  return url.slice(h.config.publicBaseUrl.length);
}

/** Calls `check` until it stops throwing, for at most `ms`. */
async function eventually<T>(check: () => Promise<T>, ms = 15_000): Promise<T> {
  const until = Date.now() + ms;
  for (;;) {
    try {
      return await check();
    } catch (err) {
      if (Date.now() > until) throw err;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
}

describeOwnCluster('PostgreSQL goes away mid-call', () => {
  let cluster: ThrowawayPostgres;
  let frozen: number[] = [];
  let h: Harness;
  /** The server open in this test, closed after it. */
  let opened: Harness | undefined;
  let customerId: string;
  let agentId: number;
  let n = 0;

  beforeAll(async () => {
    // No fsync (nothing here survives the test), but every commit acknowledged before an immediate stop
    // is there after it, as on a production server.
    cluster = await startPostgres({ maxConnections: 50, durable: false, keepCommitsOnCrash: true });
  });
  afterAll(() => cluster?.stop());

  const thaw = () => {
    for (const pid of frozen.reverse()) process.kill(pid, 'SIGCONT');
    frozen = [];
  };

  /**
   * A server on a database of the test's own, reached with a password in the URL, with a customer and
   * an agent on duty. `env` may change a setting; by default the production timeouts, not the
   * harness's generous ones: they are what this file proves.
   */
  async function open(env: Record<string, string> = {}): Promise<void> {
    const database = `hotline_away_${++n}`;
    const admin = new pg.Client({ connectionString: cluster.url });
    await admin.connect();
    await admin.query(`CREATE DATABASE ${database}`);
    await admin.end();
    const url = new URL(cluster.url);
    url.password = PASSWORD;
    url.pathname = `/${database}`;
    h = await startHarness({
      databaseUrl: url.toString(),
      env: {
        HOTLINE_BACKUP_NUMBER: BACKUP,
        HOTLINE_DB_STATEMENT_TIMEOUT_MS: String(DEFAULT_STATEMENT_TIMEOUT_MS),
        HOTLINE_DB_ACQUIRE_TIMEOUT_MS: String(DEFAULT_ACQUIRE_TIMEOUT_MS),
        ...env,
      },
    });
    opened = h;
    customerId = await addCustomer(h, { tier: 'premium' });
    agentId = await addAgent(h, { name: 'Ann', phone: '+15550000001' });
  }

  afterEach(async () => {
    thaw();
    if (!cluster.pid()) cluster.restart();
    await opened?.close();
    opened = undefined;
  });

  /** A call that has typed its customer ID and is asked for its code; returns the code step's path. */
  async function callAtCodePrompt(callSid: string): Promise<string> {
    const first = await postSigned(h, '/voice/incoming', callParams(callSid));
    const asked = await postSigned(h, actionOf(h, first.body), callParams(callSid, { Digits: customerId }));
    expect(asked.body).toContain('6-digit code');
    return actionOf(h, asked.body);
  }

  /**
   * Every voice webhook a call in progress may send next, each with what it must answer: the apology
   * and the backup line where Twilio allows a Dial, otherwise what it allows (a waiting caller leaves
   * the queue, whose action then dials the backup line; a whisper or a dialer leg hangs up; the
   * dialer's status callback needs only an answer).
   */
  function nextWebhooks(callSid: string, codeStep: string) {
    const leg = sid(900 + n);
    const backup = { verbs: ['Say', 'Say', 'Dial'], dialed: [BACKUP] };
    const hangup = { verbs: ['Hangup'], dialed: [] };
    return [
      { path: codeStep, params: callParams(callSid, { Digits: '123456' }), answer: backup },
      { path: '/voice/incoming', params: callParams(sid(500 + n)), answer: backup },
      { path: '/voice/step?step=3', params: callParams(callSid, { DialCallStatus: 'completed', DialCallSid: leg, DialBridged: 'true' }), answer: backup },
      { path: `/voice/queue/wait?call=${callSid}`, params: callParams(callSid, { QueuePosition: '1', QueueSid: `QU${'0'.repeat(32)}`, QueueTime: '10' }), answer: { verbs: ['Leave'], dialed: [] } },
      { path: `/voice/queue/key?call=${callSid}`, params: callParams(callSid, { Digits: '1' }), answer: { verbs: ['Leave'], dialed: [] } },
      { path: `/voice/whisper?call=${callSid}&agent=1`, params: callParams(leg), answer: hangup },
      { path: `/voice/whisper/accept?call=${callSid}&agent=1&lang=en-US`, params: callParams(leg, { Digits: '1' }), answer: hangup },
      { path: `/voice/whisper/desk?call=${callSid}`, params: callParams(leg), answer: { verbs: [], dialed: [] } },
      // Twilio plays nothing a status callback answers; the apology there is harmless.
      { path: '/voice/status', params: callParams(callSid, { CallStatus: 'completed' }), answer: backup },
      { path: '/voice/callback/agent?callback=1&leg=1', params: callParams(leg), answer: hangup },
      { path: '/voice/callback/accept?callback=1&leg=1', params: callParams(leg, { Digits: '1' }), answer: hangup },
      { path: '/voice/callback/customer?callback=1&leg=2', params: callParams(leg), answer: hangup },
      { path: '/voice/callback/customer-key?callback=1&leg=2', params: callParams(leg, { Digits: '1' }), answer: hangup },
      { path: '/voice/callback/dialed?callback=1&leg=2', params: callParams(leg, { DialCallStatus: 'completed', DialCallSid: sid(950 + n) }), answer: hangup },
      { path: '/voice/callback/status?callback=1&leg=1', params: callParams(leg, { CallStatus: 'completed', SequenceNumber: '0' }), answer: { verbs: [], dialed: [] } },
    ];
  }

  /** Sends every next webhook at once, as a busy line would; each is answered as Twilio needs within 2 s. */
  async function everyWebhookAnswersWithin2s(
    callSid: string,
    codeStep: string,
    answered: Record<string, { verbs: string[]; dialed: string[] }> = {},
  ): Promise<void> {
    const webhooks = nextWebhooks(callSid, codeStep).map((w) => (answered[w.path] ? { ...w, answer: answered[w.path]!, fails: false } : { ...w, fails: true }));
    const failuresBefore = h.logs.records().filter((r) => /webhook failed/.test(String(r.msg))).length;
    const answers = await Promise.all(
      webhooks.map(async (w) => {
        const started = performance.now();
        const res = await postSigned(h, w.path, w.params);
        return { path: w.path, ms: performance.now() - started, status: res.status, shape: res.status === 200 ? shape(res.body) : undefined, expected: w.answer };
      }),
    );
    for (const a of answers) {
      expect({ path: a.path, status: a.status, shape: a.shape }).toEqual({ path: a.path, status: 200, shape: a.expected });
      expect(a.ms, a.path).toBeLessThan(2000);
    }
    // Each of them failed on the database and said so (none answered from a path that never asked it).
    const failures = h.logs.records().filter((r) => /webhook failed/.test(String(r.msg))).length - failuresBefore;
    expect(failures).toBe(webhooks.filter((w) => w.fails).length);
  }

  async function readyz(): Promise<{ status: number; body: Record<string, unknown> }> {
    const res = await fetch(`${h.url}/readyz`);
    return { status: res.status, body: (await res.json()) as Record<string, unknown> };
  }

  /** The line works again without a restart: ready, and a new call verifies and reaches the agent. */
  async function recovered(): Promise<void> {
    await eventually(async () => expect((await readyz()).status).toBe(200));
    const call = await placeCall(h, [`${customerId}#`, await dashboardCode(h, customerId), '1', 'agent:accept']);
    expect(call.said()).toContain('You are verified.');
    expect(call.dials().map((d) => d.number)).toEqual(['+15550000001']);
    expect(call.events.find((e) => e.kind === 'dial-result')).toMatchObject({ bridged: true });
  }

  it('stopped at once (pg_ctl stop -m immediate): every webhook answers within 2 s, /readyz says why, and the line recovers', async () => {
    await open();
    const callSid = sid(1);
    const codeStep = await callAtCodePrompt(callSid);
    const worker = h.hotline.callbackDialing.createWorker();
    expect((await readyz()).status).toBe(200);

    cluster.halt('immediate');
    await everyWebhookAnswersWithin2s(callSid, codeStep);

    const started = performance.now();
    const ready = await readyz();
    expect(performance.now() - started).toBeLessThan(2000);
    expect(ready.status).toBe(503);
    expect(ready.body).toEqual({ status: 'unavailable', database: 'unavailable', reason: expect.stringMatching(/^PostgreSQL/) as unknown });
    expect(JSON.stringify(ready.body)).not.toContain(PASSWORD);
    // The dialer's round fails and says so; it neither hangs nor takes the process down.
    const tick = performance.now();
    await expect(worker.tick()).rejects.toThrow();
    expect(performance.now() - tick).toBeLessThan(2000);

    cluster.restart();
    await recovered();
    expect(await worker.tick()).toMatchObject({ claimed: 0 });
    expect(h.logs.text).not.toContain(PASSWORD);
  });

  it('hanging (every server process stopped with SIGSTOP): every webhook answers within 2 s, /readyz says why, and the line recovers', async () => {
    await open();
    const callSid = sid(2);
    const codeStep = await callAtCodePrompt(callSid);
    frozen = serverProcesses(cluster.pid()!);
    for (const pid of frozen) process.kill(pid, 'SIGSTOP');

    await everyWebhookAnswersWithin2s(callSid, codeStep);
    const started = performance.now();
    const ready = await readyz();
    expect(performance.now() - started).toBeLessThan(2000);
    expect(ready).toEqual({ status: 503, body: { status: 'unavailable', database: 'unavailable', reason: expect.stringMatching(/^PostgreSQL/) as unknown } });
    // A second wave, once the pool's connections have all timed out, is answered as fast.
    await everyWebhookAnswersWithin2s(callSid, codeStep);

    thaw();
    await recovered();
    expect(h.logs.text).not.toContain(PASSWORD);
  });

  it('answering, but with the call tables locked past the statement timeout: every webhook still answers within 2 s, and works once the lock is gone', async () => {
    await open();
    const callSid = sid(4);
    const codeStep = await callAtCodePrompt(callSid);
    // Another session (a migration, an operator's long transaction) holds what every route needs. More
    // webhooks arrive at once than the pool has connections: some wait for one, then for the lock.
    const holder = new pg.Client({ connectionString: h.databaseUrl });
    await holder.connect();
    try {
      await holder.query('BEGIN');
      await holder.query('LOCK TABLE calls, agents, p1_queue, callbacks, callback_legs IN ACCESS EXCLUSIVE MODE');
      // The one exception: an agent who pressed 1 is put through though the note that they are on a
      // call could not be written (bookkeeping beside the call is logged, never heard).
      await everyWebhookAnswersWithin2s(callSid, codeStep, { [`/voice/whisper/accept?call=${callSid}&agent=1&lang=en-US`]: { verbs: ['Say'], dialed: [] } });
      expect(h.logs.records().filter((r) => r.msg === 'could not record agent on a call')).toHaveLength(1);
      // The server answers: the instance is ready, only those statements ran out of time.
      expect((await readyz()).status).toBe(200);
    } finally {
      await holder.query('ROLLBACK');
      await holder.end();
    }
    await recovered();
  });

  it('killed in the middle of a step: nothing of that step is written, and the caller is sent to the backup line', async () => {
    // Long enough a statement timeout that the step is still waiting inside its transaction when the
    // server dies, however slow this machine is.
    await open({ HOTLINE_DB_STATEMENT_TIMEOUT_MS: '30000' });
    const callSid = sid(3);
    const codeStep = await callAtCodePrompt(callSid);
    const verified = await postSigned(h, codeStep, callParams(callSid, { Digits: await dashboardCode(h, customerId) }));
    expect(verified.body).toContain('You are verified.');
    const p1Step = actionOf(h, verified.body);
    const before = await h.hotline.store.calls.get(callSid);
    const agentBefore = await h.hotline.store.agents.get(agentId);

    // Held just after the step writes the call's new state: by then it has also reserved the agent, all
    // inside its transaction, when the database goes.
    const admin = new pg.Client({ connectionString: h.databaseUrl });
    await admin.connect();
    await admin.query(`CREATE FUNCTION hold_calls() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN PERFORM pg_sleep(30); RETURN NEW; END $$`);
    await admin.query('CREATE TRIGGER hold_calls AFTER UPDATE ON calls FOR EACH ROW EXECUTE FUNCTION hold_calls()');
    const answer = postSigned(h, p1Step, callParams(callSid, { Digits: '1' }));
    await eventually(async () => {
      const { rows } = await admin.query(`SELECT 1 FROM pg_stat_activity WHERE application_name = 'hotline' AND wait_event = 'PgSleep'`);
      expect(rows).toHaveLength(1);
    });
    // It has written the call's new state already (an UPDATE's lock on calls), uncommitted.
    const { rows: written } = await admin.query(
      `SELECT 1 FROM pg_locks l JOIN pg_stat_activity a USING (pid)
        WHERE a.wait_event = 'PgSleep' AND l.relation = 'calls'::regclass AND l.mode = 'RowExclusiveLock'`,
    );
    expect(written).toHaveLength(1);
    await admin.end().catch(() => undefined);
    const killed = performance.now();
    cluster.halt('immediate');
    const res = await answer;
    expect(performance.now() - killed).toBeLessThan(2000);
    expect(res.status).toBe(200);
    expect(shape(res.body)).toEqual({ verbs: ['Say', 'Say', 'Dial'], dialed: [BACKUP] });

    cluster.restart();
    await eventually(async () => expect((await readyz()).status).toBe(200));
    // The call is where the verified step left it, and the agent was never offered the call.
    expect(await h.hotline.store.calls.get(callSid)).toEqual(before);
    expect(await h.hotline.store.agents.get(agentId)).toEqual(agentBefore);
  });
});
