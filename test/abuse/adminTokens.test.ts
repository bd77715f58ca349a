import express from 'express';
import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { requireAdminToken } from '../../src/http/adminAuth.js';
import { ADMIN_THROTTLE, storedFailureBook, throttledTokenCheck } from '../../src/http/adminThrottle.js';
import { ManualClock } from '../../src/domain/clock.js';
import { OFFER_HOLD_MS, T0 } from '../storage/contracts/fixtures.js';
import { sqliteSubject } from '../storage/sqlite/subject.js';
import { TEST_ADMIN_TOKEN, api, startHarness, type Harness } from '../support/harness.js';

const timed = async <T>(work: () => Promise<T>) => {
  const started = performance.now();
  const result = await work();
  return { result, ms: performance.now() - started };
};

describe('the admin API slows down a client that keeps presenting wrong tokens', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await startHarness();
  });
  afterEach(async () => h.close());

  it('each wrong token makes the next answer wait twice as long; all are 401 JSON, never a 5xx', async () => {
    const delays: number[] = [];
    for (let i = 0; i < 5; i++) {
      const { result, ms } = await timed(() => api(h, 'GET', '/api/customers', undefined, `wrong-token-${i}`));
      expect(result).toMatchObject({ status: 401, body: { error: 'unauthorized' } });
      delays.push(ms);
    }
    // No wait before the first failure, then 100, 200, 400, 800 ms.
    for (let i = 1; i < 5; i++) expect(delays[i]).toBeGreaterThanOrEqual(ADMIN_THROTTLE.baseDelayMs * 2 ** (i - 1) - 5);
    expect(await h.hotline.metrics.registry.getSingleMetricAsString('hotline_admin_auth_failures_total')).toContain('hotline_admin_auth_failures_total 5');
  });

  it('the right token still works (after the wait), and clears the slowdown', async () => {
    for (let i = 0; i < 3; i++) await api(h, 'GET', '/api/customers', undefined, 'wrong-token');
    const slowed = await timed(() => api(h, 'GET', '/api/customers'));
    expect(slowed.result.status).toBe(200);
    expect(slowed.ms).toBeGreaterThanOrEqual(ADMIN_THROTTLE.baseDelayMs * 4 - 5);
    const after = await timed(() => api(h, 'GET', '/api/customers'));
    expect(after.result.status).toBe(200);
    expect(after.ms).toBeLessThan(ADMIN_THROTTLE.baseDelayMs * 4);
  });

  it('the phone line is never slowed by it: webhooks do not take the admin token', async () => {
    for (let i = 0; i < 4; i++) await api(h, 'GET', '/api/customers', undefined, 'wrong-token');
    // The next admin request would now wait 800 ms; health checks and webhooks do not.
    const { ms } = await timed(() => fetch(`${h.url}/healthz`));
    expect(ms).toBeLessThan(ADMIN_THROTTLE.baseDelayMs * 2 ** 3 - 300);
  });
});

describe('the slowdown, with short delays', () => {
  const options = { baseDelayMs: 40, maxDelayMs: 100, maxWaiting: 2, forgetAfterMs: 60_000, maxClients: 100 };
  const subject = sqliteSubject();
  let url: string;
  let close: () => Promise<void>;
  beforeAll(async () => {
    const store = await subject.open({ clock: new ManualClock(T0), offerHoldMs: OFFER_HOLD_MS });
    const app = express();
    // As the app mounts it (src/http/app.ts), with the failures counted in a real store.
    app.use(throttledTokenCheck(requireAdminToken(TEST_ADMIN_TOKEN), storedFailureBook(store.failureCounts, options), options), (_req, res) => void res.json({ ok: true }));
    app.use(((err, _req, res, _next) => void res.status(err.status).json({ error: err.code, message: err.message })) as express.ErrorRequestHandler);
    const server = app.listen(0, '127.0.0.1');
    await new Promise((r) => server.once('listening', r));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    close = () => new Promise((r) => server.close(() => r()));
  });
  afterAll(async () => {
    await close();
    await subject.close();
    await subject.dispose();
  });
  const get = (token: string) => fetch(url, { headers: { authorization: `Bearer ${token}` } });

  it('is capped, and guessing in parallel is refused with 429 beyond a few waiting requests', async () => {
    for (let i = 0; i < 6; i++) expect((await get('wrong')).status).toBe(401);
    const capped = await timed(() => get('wrong'));
    expect(capped.ms).toBeGreaterThanOrEqual(options.maxDelayMs - 5);
    expect(capped.ms).toBeLessThan(options.maxDelayMs * 5);

    const parallel = await Promise.all(Array.from({ length: 6 }, () => get('wrong')));
    const statuses = parallel.map((r) => r.status).sort();
    expect(statuses.filter((s) => s === 401)).toHaveLength(options.maxWaiting);
    expect(statuses.filter((s) => s === 429)).toHaveLength(6 - options.maxWaiting);
    const refused = parallel.find((r) => r.status === 429)!;
    expect(refused.headers.get('retry-after')).toBe('1');
    expect(await refused.json()).toMatchObject({ error: 'too_many_requests' });
  });
});
