/**
 * What one webhook's parts cost, measured in-process: the fastest of several rounds, so other work on
 * the machine inflates them less than it inflates a load test. Used to rank optimisations.
 *
 *   npx tsx bench/costs.ts
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { mkdirSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import querystring from 'node:querystring';
import { performance } from 'node:perf_hooks';
import twilio from 'twilio';
import { loadConfig } from '../src/config.js';
import { openDatabase } from '../src/db/database.js';
import { codeForStep, matchingStep, timeStepAt } from '../src/domain/totp.js';
import { createHotline } from '../src/hotline.js';
import { createLogger } from '../src/logger.js';
import { seed } from './seed.js';

const ROUNDS = 7;

/** Microseconds per call of fn: the fastest of ROUNDS rounds of n calls. */
function cost(n: number, fn: (i: number) => unknown): number {
  let best = Infinity;
  let k = 0;
  for (let r = 0; r < ROUNDS; r++) {
    const t0 = performance.now();
    for (let i = 0; i < n; i++) fn(k++);
    best = Math.min(best, ((performance.now() - t0) * 1000) / n);
  }
  return best;
}

/** Microseconds per call of an async fn, each awaited before the next: the fastest of ROUNDS rounds of n calls. */
async function costAsync(n: number, fn: (i: number) => Promise<unknown>): Promise<number> {
  let best = Infinity;
  let k = 0;
  for (let r = 0; r < ROUNDS; r++) {
    const t0 = performance.now();
    for (let i = 0; i < n; i++) await fn(k++);
    best = Math.min(best, ((performance.now() - t0) * 1000) / n);
  }
  return best;
}

const rows: Array<[string, number]> = [];
const note = (label: string, us: number) => {
  rows.push([label, us]);
  console.log(`${us.toFixed(1).padStart(8)} us  ${label}`);
};

// --- body parsing ----------------------------------------------------------------------------------
const params: Record<string, string> = {
  AccountSid: `AC${'5e7c'.repeat(8)}`, ApiVersion: '2010-04-01', CallSid: `CA${'0f'.repeat(16)}`, CallStatus: 'in-progress',
  Called: '+18005550100', CalledCity: '', CalledCountry: 'US', CalledState: '', CalledZip: '', Caller: '+14152000001',
  CallerCity: 'SAN FRANCISCO', CallerCountry: 'US', CallerState: 'CA', CallerZip: '94105', Digits: '123456', Direction: 'inbound',
  FinishedOnKey: '', From: '+14152000001', FromCity: 'SAN FRANCISCO', FromCountry: 'US', FromState: 'CA', FromZip: '94105',
  To: '+18005550100', ToCity: '', ToCountry: 'US', ToState: '', ToZip: '', msg: 'Gather End',
};
const body = new URLSearchParams(params).toString();
// qs comes with Express (body-parser), not as a dependency of ours: loaded by name so its absence only skips a line.
const qsName = 'qs';
const qs = (await import(qsName).catch(() => null)) as { default: { parse(text: string, options: object): unknown } } | null;
if (qs) note('body: qs.parse (what express.urlencoded runs)', cost(20_000, () => qs.default.parse(body, { depth: 0, parameterLimit: 200, arrayLimit: 0 })));
note('body: node:querystring.parse', cost(20_000, () => querystring.parse(body, '&', '=', { maxKeys: 200 })));

// --- signature -------------------------------------------------------------------------------------
const token = 'bench-auth-token-0123456789abcdef';
const url = 'https://hotline.example.com/voice/step?step=1';
const signature = twilio.getExpectedTwilioSignature(token, url, params);
note('signature: twilio.validateRequest', cost(20_000, () => twilio.validateRequest(token, signature, url, params)));
note(
  'signature: one HMAC-SHA1 over url + sorted params, timingSafeEqual',
  cost(20_000, () => {
    let data = url;
    for (const key of Object.keys(params).sort()) data += key + params[key];
    const expected = Buffer.from(createHmac('sha1', token).update(data).digest('base64'));
    const given = Buffer.from(signature);
    return expected.length === given.length && timingSafeEqual(expected, given);
  }),
);

// --- one-time codes --------------------------------------------------------------------------------
const secret = Buffer.alloc(20, 7);
const now = Date.now();
const code = codeForStep(secret, timeStepAt(now));
note('code: matchingStep (node:crypto HOTP, 4 steps, constant-time compares), one factor', cost(5_000, () => matchingStep(secret, code, now)));
note(
  'code: the same four HOTPs inline, compared with ===, one factor',
  cost(5_000, () => {
    const t = timeStepAt(now);
    let found: number | null = null;
    for (let s = t - 2; s <= t + 1; s++) {
      const counter = Buffer.alloc(8);
      counter.writeBigUInt64BE(BigInt(s));
      const h = createHmac('sha1', secret).update(counter).digest();
      const o = h[19]! & 0xf;
      const bin = ((h[o]! & 0x7f) << 24) | (h[o + 1]! << 16) | (h[o + 2]! << 8) | h[o + 3]!;
      if (String(bin % 1_000_000).padStart(6, '0') === code && found === null) found = s;
    }
    return found;
  }),
);

// --- commits ---------------------------------------------------------------------------------------
const dir = resolve(import.meta.dirname, 'tmp', `costs-${process.pid}`);
rmSync(dir, { recursive: true, force: true });
mkdirSync(dir, { recursive: true });
try {
  for (const sync of ['FULL', 'NORMAL'] as const) {
    const db = openDatabase(join(dir, `commit-${sync}.sqlite`));
    db.pragma(`synchronous = ${sync}`);
    db.exec('CREATE TABLE bench_rows (k INTEGER PRIMARY KEY, v TEXT NOT NULL) STRICT');
    const insert = db.prepare('INSERT INTO bench_rows (v) VALUES (?)');
    const row = 'x'.repeat(1500); // about a calls row: context JSON and the last TwiML answer
    const one = db.transaction(() => insert.run(row));
    note(`commit: one row per transaction, synchronous=${sync}`, cost(200, () => one.immediate()));
    const fifty = db.transaction(() => {
      for (let i = 0; i < 50; i++) insert.run(row);
    });
    note(`commit: 50 rows in one transaction (one per event-loop turn), per row, synchronous=${sync}`, cost(20, () => fifty.immediate()) / 50);
    db.close();
  }

  // --- the engine, in-process: every step of a verified P1 call, with its commits -------------------
  const env = {
    HOTLINE_DB: join(dir, 'engine.sqlite'),
    TWILIO_ACCOUNT_SID: `AC${'5e7c'.repeat(8)}`,
    TWILIO_AUTH_TOKEN: token,
    HOTLINE_SECRET_KEY: Buffer.alloc(32, 0x5e).toString('base64'),
    HOTLINE_ADMIN_TOKEN: 'bench-admin-token-0123456789abcdef',
    PUBLIC_BASE_URL: 'https://hotline.example.com',
    LOG_LEVEL: 'warn',
  };
  const config = loadConfig(env);
  const calls = 50;
  const customers = await seed(config, { customers: calls * ROUNDS * 4, agents: 20 });
  const hotline = createHotline({ config, logger: createLogger('warn') });
  let next = 0;
  type Step = 'incoming' | 'id' | 'code' | 'priority';
  const STEP_KEYS: Step[] = ['incoming', 'id', 'code', 'priority'];
  /**
   * Plays `calls` calls step by step; with `grouped`, each step of all calls arrives in one event-loop
   * turn and shares its commit, else the webhooks come one at a time, a commit each.
   */
  const play = async (grouped: boolean): Promise<Record<Step, number>> => {
    const batch = Array.from({ length: calls }, () => {
      const customer = customers[next++]!;
      return { customer, p: { ...params, CallSid: `CA${String(next).padStart(32, '0')}`, From: `+1415${2_000_000 + next}` } };
    });
    const run: Record<Step, (c: (typeof batch)[number]) => Promise<string>> = {
      incoming: ({ p }) => hotline.engine.incoming({ ...p, Digits: undefined }),
      id: ({ p, customer }) => hotline.engine.step({ ...p, Digits: customer.customerId }, 0),
      code: ({ p, customer }) => hotline.engine.step({ ...p, Digits: codeForStep(customer.secret, timeStepAt(Date.now())) }, 1),
      priority: ({ p }) => hotline.engine.step({ ...p, Digits: '1' }, 2),
    };
    const spent = {} as Record<Step, number>;
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    for (const key of STEP_KEYS) {
      const t1 = performance.now();
      if (grouped) await Promise.all(batch.map((c) => run[key](c)));
      else for (const c of batch) await run[key](c);
      spent[key] = ((performance.now() - t1) * 1000) / calls;
    }
    const c = process.cpuUsage(c0);
    cpuShare = Math.max(cpuShare, (c.user + c.system) / ((performance.now() - t0) * 1000));
    return spent;
  };
  let cpuShare = 0;
  for (const grouped of [false, true]) {
    cpuShare = 0;
    const best: Record<Step, number> = { incoming: Infinity, id: Infinity, code: Infinity, priority: Infinity };
    for (let r = 0; r < ROUNDS; r++) {
      const spent = await play(grouped);
      for (const key of STEP_KEYS) best[key] = Math.min(best[key], spent[key]);
    }
    const how = grouped ? '50 webhooks per transaction (one event-loop turn, as the server commits them)' : 'one transaction per webhook (webhooks one at a time)';
    for (const key of STEP_KEYS) note(`engine: ${key} step (rehydrate, transition, commit, render), ${how}`, best[key]);
    note(`engine: mean of the four steps, ${how}`, STEP_KEYS.reduce((s, k) => s + best[k], 0) / 4);
    console.log(`           (CPU busy at most ${Math.round(cpuShare * 100)}% of that time; the rest is waiting for fsync)`);
  }
  note('agents: store.agents.onDuty() (a step that asks for agents reads them once)', await costAsync(2_000, () => hotline.store.agents.onDuty()));
  const logger = createLogger('warn');
  note('log: logger.child() per verification, at LOG_LEVEL=warn', cost(20_000, (i) => logger.child({ callSid: `CA${i}`, customer: '1234' })));
  await hotline.close();
} finally {
  rmSync(dir, { recursive: true, force: true });
}
