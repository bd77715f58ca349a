import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openDatabase } from '../../src/db/database.js';
import { timeStepAt } from '../../src/domain/totp.js';
import { createHotline } from '../../src/hotline.js';
import { createLogger } from '../../src/logger.js';
import { startHarness, TEST_ACCOUNT_SID, TEST_ADMIN_TOKEN, TEST_AUTH_TOKEN, type Harness } from '../support/harness.js';
import { codeAt, confirmedAuthenticator, enterpriseCustomer, plainSecret } from './support/fixtures.js';

const TSX = join(process.cwd(), 'node_modules', '.bin', 'tsx');
const WORKER = join(import.meta.dirname, 'support', 'verifyWorker.ts');

describe('a code works once', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await startHarness();
  });
  afterEach(async () => h.close());

  it('refuses an accepted dashboard code the second time and audits it as a reuse', async () => {
    const { customerId } = await enterpriseCustomer(h.hotline);
    const { code } = await h.hotline.customers.dashboardCode(customerId);
    expect(await h.hotline.verifyCaller(customerId, code, { callSid: 'CA1' })).toMatchObject({ verified: true });
    expect(await h.hotline.verifyCaller(customerId, code, { callSid: 'CA2' })).toMatchObject({ verified: false, reason: 'reused_code' });

    const audit = await h.hotline.store.verification.audit({ customerId, limit: 10 });
    expect(audit.map((a) => [a.callSid, a.result, a.reason])).toEqual([
      ['CA2', 'refused', 'reused_code'],
      ['CA1', 'verified', 'ok'],
    ]);
  });

  it('still refuses the code a minute later, while it is inside the window', async () => {
    const { customerId } = await enterpriseCustomer(h.hotline);
    const { code } = await h.hotline.customers.dashboardCode(customerId);
    await h.hotline.verifyCaller(customerId, code, {});
    h.clock.advance(60_000);
    expect(await h.hotline.verifyCaller(customerId, code, {})).toMatchObject({ verified: false, reason: 'reused_code' });
  });

  it('refuses an older code once a newer one was accepted', async () => {
    const { customerId } = await enterpriseCustomer(h.hotline);
    const secret = await plainSecret(h.hotline, customerId, 'dashboard');
    expect(await h.hotline.verifyCaller(customerId, codeAt(h.hotline, secret, 0), {})).toMatchObject({ verified: true });
    expect(await h.hotline.verifyCaller(customerId, codeAt(h.hotline, secret, -1), {})).toMatchObject({ verified: false, reason: 'reused_code' });
    expect(await h.hotline.verifyCaller(customerId, codeAt(h.hotline, secret, 1), {})).toMatchObject({ verified: true });
  });

  it('spends the dashboard and the authenticator codes separately', async () => {
    const { customerId } = await enterpriseCustomer(h.hotline);
    const app = await confirmedAuthenticator(h.hotline, customerId);
    const dashboard = await plainSecret(h.hotline, customerId, 'dashboard');
    // Confirming spent the app's current step: its next code is the one that verifies a call.
    expect(await h.hotline.verifyCaller(customerId, codeAt(h.hotline, app, 0), {})).toMatchObject({ verified: false, reason: 'reused_code' });
    expect(await h.hotline.verifyCaller(customerId, codeAt(h.hotline, dashboard, 0), {})).toMatchObject({ verified: true, factor: 'dashboard' });
    expect(await h.hotline.verifyCaller(customerId, codeAt(h.hotline, app, 1), {})).toMatchObject({ verified: true, factor: 'authenticator' });
    expect(await h.hotline.verifyCaller(customerId, codeAt(h.hotline, app, 1), {})).toMatchObject({ verified: false, reason: 'reused_code' });
  });

  it('a second process on the same database file refuses a code the first accepted', async () => {
    const other = createHotline({ config: h.config, logger: createLogger('silent'), clock: h.clock, db: openDatabase(h.config.dbPath) });
    try {
      const { customerId } = await enterpriseCustomer(h.hotline);
      const { code } = await h.hotline.customers.dashboardCode(customerId);
      expect(await h.hotline.verifyCaller(customerId, code, {})).toMatchObject({ verified: true });
      expect(await other.verifyCaller(customerId, code, {})).toMatchObject({ verified: false, reason: 'reused_code' });
    } finally {
      await other.close();
    }
  });

  it('when two connections both saw the step unspent, only one can spend it', async () => {
    const other = createHotline({ config: h.config, logger: createLogger('silent'), clock: h.clock, db: openDatabase(h.config.dbPath) });
    try {
      const { customerId } = await enterpriseCustomer(h.hotline);
      const step = timeStepAt(h.clock.now());
      const audit = { at: h.clock.now(), customerId, caller: null, callSid: null, result: 'verified' as const, reason: 'ok', factor: 'dashboard' as const };
      // Both read the secret before either writes: the race the guarded UPDATE exists for.
      expect((await h.hotline.store.customers.secrets(customerId, ['dashboard']))[0]!.lastStep).toBeNull();
      expect((await other.store.customers.secrets(customerId, ['dashboard']))[0]!.lastStep).toBeNull();
      const first = await h.hotline.store.verification.consumeStep(customerId, 'dashboard', step, audit);
      const second = await other.store.verification.consumeStep(customerId, 'dashboard', step, audit);
      expect([first, second]).toEqual([true, false]);
      expect(await h.hotline.store.verification.audit({ customerId, limit: 10 })).toHaveLength(1);
    } finally {
      await other.close();
    }
  });

  /** Starts two verifying processes on the harness database; `race` hands them the pairs at one moment. */
  async function twoRacers(pairs: Array<{ customerId: string; code: string }>) {
    const pairsFile = join(h.dir, 'pairs.json');
    writeFileSync(pairsFile, JSON.stringify(pairs));
    const env = {
      PATH: process.env.PATH ?? '',
      HOTLINE_DB: h.config.dbPath,
      HOTLINE_SECRET_KEY: h.config.secretKeys.current.toString('base64'),
      HOTLINE_ADMIN_TOKEN: TEST_ADMIN_TOKEN,
      TWILIO_AUTH_TOKEN: TEST_AUTH_TOKEN,
      TWILIO_ACCOUNT_SID: TEST_ACCOUNT_SID,
    };
    const workers = [0, 1].map(() => {
      const child = spawn(TSX, [WORKER, pairsFile, String(h.clock.now())], { env, stdio: ['pipe', 'pipe', 'inherit'] });
      return { child, lines: createInterface({ input: child.stdout })[Symbol.asyncIterator]() };
    });
    for (const w of workers) expect((await w.lines.next()).value).toBe('ready');
    return {
      /** Both begin at startAt; resolves with each process's verdicts. */
      race(startAt: number) {
        for (const w of workers) w.child.stdin.write(`${startAt}\n`);
        return Promise.all(workers.map(async (w) => JSON.parse((await w.lines.next()).value as string) as Verdict[]));
      },
    };
  }

  it('two processes racing through the same codes verify each customer exactly once', async () => {
    const pairs = await Promise.all(
      Array.from({ length: 40 }, async () => {
        const { customerId } = await enterpriseCustomer(h.hotline);
        return { customerId, code: (await h.hotline.customers.dashboardCode(customerId)).code };
      }),
    );
    const racers = await twoRacers(pairs);
    const results = await racers.race(Date.now() + 250);

    for (const { customerId } of pairs) {
      const verdicts = results.map((r) => r.find((v) => v.customerId === customerId)!);
      expect(verdicts.filter((v) => v.verified), customerId).toHaveLength(1);
      expect(verdicts.find((v) => !v.verified)!.reason).toBe('reused_code');
      const audit = await h.hotline.store.verification.audit({ customerId, limit: 10 });
      expect(audit.filter((a) => a.result === 'verified')).toHaveLength(1);
    }
  });

  it('two processes that both passed the reuse check still spend the code only once', async () => {
    const { customerId } = await enterpriseCustomer(h.hotline);
    const { code } = await h.hotline.customers.dashboardCode(customerId);
    const racers = await twoRacers([{ customerId, code }]);
    // A third writer holds the write lock: both racers read the step as unspent (WAL readers are not
    // blocked), then queue for their IMMEDIATE transactions, and the guarded UPDATE alone decides.
    const blocker = openDatabase(h.config.dbPath);
    blocker.prepare('BEGIN IMMEDIATE').run();
    const holdMs = 600;
    const startAt = Date.now() + 150;
    const results = racers.race(startAt);
    await new Promise((resolve) => setTimeout(resolve, startAt + holdMs - Date.now()));
    blocker.prepare('COMMIT').run();
    blocker.close();

    const verdicts = (await results).map((r) => r[0]!);
    // Each racer waited out the lock, so each had read the step before the other could spend it.
    for (const v of verdicts) expect(v.ms).toBeGreaterThan(holdMs / 2);
    expect(verdicts.filter((v) => v.verified)).toHaveLength(1);
    expect(verdicts.find((v) => !v.verified)).toMatchObject({ reason: 'reused_code' });
    expect((await h.hotline.store.verification.audit({ customerId, limit: 10 })).map((a) => a.result).sort()).toEqual(['refused', 'verified']);
  });
});

interface Verdict {
  customerId: string;
  verified: boolean;
  reason: string | null;
  ms: number;
}
