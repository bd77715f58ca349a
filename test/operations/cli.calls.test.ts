import { rmSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CallRecord } from '../../src/domain/storage/calls.js';
import { tempDir } from '../support/harness.js';
import { hotline, productionEnv, serviceFor } from '../foundation/support/cli.js';

// Each step is a process start (about 1.5 s of CPU under tsx): one run per thing shown.
const BUDGET = 60_000;
const sid = (n: number) => `CA${String(n).padStart(32, '0')}`;

describe('hotline calls: calls in progress and one call\'s trail', () => {
  let dir: string;
  let env: Record<string, string>;
  let customerId: string;
  beforeAll(async () => {
    dir = tempDir();
    env = { ...productionEnv(dir), LOG_LEVEL: 'silent' };
    const service = serviceFor(env);
    try {
      const { store } = service;
      customerId = (await service.customers.create({ name: 'Acme', plan: 'enterprise', tier: 'premium' })).customerId;
      const now = Date.now();
      const call = (n: number, overrides: Partial<CallRecord>): CallRecord => ({
        callSid: sid(n),
        flow: 'emergency',
        state: 'askCustomerId',
        context: {},
        step: 1,
        lastInputKey: null,
        lastResponse: null,
        from: '+14155550123',
        to: '+18005550100',
        language: 'en-US',
        customerId: null,
        priority: null,
        outcome: null,
        startedAt: now - 60_000 + n,
        updatedAt: now,
        endedAt: null,
        ...overrides,
      });
      await store.calls.start(call(1, {}));
      await store.calls.start(call(2, { state: 'queued', customerId, priority: 'P1', language: 'ja-JP' }));
      await store.queue.enqueue({ callSid: sid(2), customerId, tier: 'premium', language: 'ja-JP' }, now);
      await store.calls.start(call(3, { customerId, priority: 'P1' }));
      await store.verification.recordRefusal({ at: now - 30_000, customerId, caller: '+14155550123', callSid: sid(3), result: 'refused', reason: 'wrong_code', factor: null });
      await store.calls.end(sid(3), now, 'abandoned');
    } finally {
      await service.close();
    }
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const run = (...args: string[]) => hotline(args, { cwd: dir, env });

  it('lists the calls in progress oldest first, numbers masked, the queued caller with their place', async () => {
    const res = await run('calls', 'list', '--json');
    expect(res.code).toBe(0);
    expect(res.json().items).toEqual([
      { callSid: sid(1), state: 'askCustomerId', customerId: null, priority: null, language: 'en-US', from: '+1********23', queuePlace: null, startedAt: expect.stringMatching(/Z$/) },
      { callSid: sid(2), state: 'queued', customerId, priority: 'P1', language: 'ja-JP', from: '+1********23', queuePlace: 1, startedAt: expect.stringMatching(/Z$/) },
    ]);
    const text = await run('calls', 'list');
    expect(text.stdout).toMatch(new RegExp(`${sid(1)}\\s+ask customer id\\s`));
    expect(text.stdout).toMatch(new RegExp(`${sid(2)}\\s+number 1 in queue\\s+P1\\s+${customerId}`));
    expect(text.stdout).not.toContain('+14155550123');
  }, BUDGET);

  it('shows an ended call: its outcome, the customer, and its verification attempts with ISO times', async () => {
    const res = await run('calls', 'show', sid(3), '--json');
    expect(res.code).toBe(0);
    expect(res.json()).toMatchObject({
      callSid: sid(3),
      outcome: 'abandoned',
      customerName: 'Acme',
      endedAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT.*Z$/),
      callback: null,
      verificationAttempts: [{ result: 'refused', reason: 'wrong_code', customerId, at: expect.stringMatching(/Z$/) }],
    });
    expect(await run('calls', 'show', 'CA123')).toMatchObject({ code: 2, stderr: 'hotline: CALL_SID must be CA followed by 32 letters and digits (see hotline calls show --help)\n' });
  }, BUDGET);
});
