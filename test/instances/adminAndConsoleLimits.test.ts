import { afterEach, beforeEach, expect, it } from 'vitest';
import { ADMIN_THROTTLE } from '../../src/http/adminThrottle.js';
import { ADDRESS_LOCK } from '../../src/console/signInLimits.js';
import { agentWithPassword, ConsoleClient } from '../console/support/consoleClient.js';
import { api } from '../support/harness.js';
import { describePostgres } from '../support/postgres.js';
import { startPair, type Pair } from './support.js';

const MINUTE = 60_000;
const timed = async <T>(work: () => Promise<T>) => {
  const started = performance.now();
  const result = await work();
  return { result, ms: performance.now() - started };
};

describePostgres('limits on wrong secrets, with the attempts alternating between two instances', () => {
  let pair: Pair;
  beforeEach(async () => {
    pair = await startPair();
  });
  afterEach(async () => pair.close());

  it('wrong admin tokens are slowed down as on one instance: each makes the next answer, at either instance, wait twice as long', async () => {
    const delays: number[] = [];
    for (let i = 0; i < 5; i++) {
      const { result, ms } = await timed(() => api(pair.both[i % 2]!, 'GET', '/api/customers', undefined, `wrong-token-${i}`));
      expect(result).toMatchObject({ status: 401, body: { error: 'unauthorized' } });
      delays.push(ms);
    }
    // No wait before the first failure, then 100, 200, 400, 800 ms, whichever instance counted the one before.
    for (let i = 1; i < 5; i++) expect(delays[i]).toBeGreaterThanOrEqual(ADMIN_THROTTLE.baseDelayMs * 2 ** (i - 1) - 5);
    // The right token, at the instance that did not see the last failure, waits too, then clears the slowdown for both.
    const slowed = await timed(() => api(pair.h2, 'GET', '/api/customers'));
    expect(slowed.result.status).toBe(200);
    expect(slowed.ms).toBeGreaterThanOrEqual(ADMIN_THROTTLE.baseDelayMs * 2 ** 4 - 5);
    for (const h of pair.both) {
      const after = await timed(() => api(h, 'GET', '/api/customers'));
      expect(after.result.status).toBe(200);
      expect(after.ms).toBeLessThan(ADMIN_THROTTLE.baseDelayMs * 4);
    }
  });

  it(`console sign-in failures from one address pause the agent there after ${ADDRESS_LOCK.after}, as on one instance`, async () => {
    const { h1, h2 } = pair;
    const { agent, password } = await agentWithPassword(h1);
    const from = '127.0.0.2';
    const clients = [new ConsoleClient(h1, { from }), new ConsoleClient(h2, { from })];
    const tokens = await Promise.all(clients.map(async (c) => ConsoleClient.csrf(await c.get('/console/login'))));
    const wrong = (i: number) => clients[i % 2]!.post('/console/login', { _csrf: tokens[i % 2]!, agentId: String(agent.agentId), password: `wrong #${i}` });
    for (let i = 0; i < ADDRESS_LOCK.after; i++) expect((await wrong(i)).status).toBe(401);
    // Five failures on each: paused at both, as ten on one would; another address is not.
    for (const h of pair.both) expect((await new ConsoleClient(h, { from }).signIn(agent.agentId, password)).status).toBe(401);
    expect((await new ConsoleClient(h2, { from: '127.0.0.3' }).signIn(agent.agentId, password)).status).toBe(303);
    const refused = [...h1.logs.records(), ...h2.logs.records()].filter((r) => r.msg === 'console: sign-in refused');
    expect(refused.filter((r) => r.paused === 'address').length).toBeGreaterThanOrEqual(2);
    // The pause lasts 15 minutes, wherever the next attempt lands.
    h1.clock.advance(ADDRESS_LOCK.forMs - 1);
    expect((await new ConsoleClient(h2, { from }).signIn(agent.agentId, password)).status).toBe(401);
    h1.clock.advance(1);
    expect((await new ConsoleClient(h1, { from }).signIn(agent.agentId, password)).status).toBe(303);
    // The right password cleared the address at both: nine more wrong ones do not pause it.
    h1.clock.advance(MINUTE);
    for (let i = 0; i < ADDRESS_LOCK.after - 1; i++) expect((await wrong(i)).status).toBe(401);
    expect((await new ConsoleClient(h2, { from }).signIn(agent.agentId, password)).status).toBe(303);
  });
});
