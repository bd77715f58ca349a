import type { Request } from 'express';
import { afterAll, describe, expect, it } from 'vitest';
import { storedAddressFailures } from '../../src/console/addressFailures.js';
import { clientAddressOf } from '../../src/console/clientAddress.js';
import { ManualClock } from '../../src/domain/clock.js';
import type { Store } from '../../src/domain/storage/index.js';
import { OFFER_HOLD_MS, T0 } from '../storage/contracts/fixtures.js';
import { sqliteSubject } from '../storage/sqlite/subject.js';

const lock = { after: 3, forMs: 1_000, forgetAfterMs: 10_000, maxRecords: 5 };

describe('wrong passwords remembered per agent and address', () => {
  const subject = sqliteSubject();
  afterAll(() => subject.dispose());
  /** The counts as the console keeps them, in a store of the test's own. */
  const fresh = async () => {
    await subject.close();
    const store: Store = await subject.open({ clock: new ManualClock(T0), offerHoldMs: OFFER_HOLD_MS });
    return { store, failures: storedAddressFailures(store.failureCounts, lock) };
  };

  it('pauses the pair after the bound, for its time, and a right password starts it again', async () => {
    const { failures } = await fresh();
    for (let i = 0; i < 3; i++) await failures.count(7, '192.0.2.1', 0);
    expect(await failures.paused(7, '192.0.2.1', 999)).toBe(true);
    expect(await failures.paused(7, '192.0.2.2', 999)).toBe(false);
    expect(await failures.paused(8, '192.0.2.1', 999)).toBe(false);
    expect(await failures.paused(7, '192.0.2.1', 1_000)).toBe(false);
    await failures.clear(7, '192.0.2.1');
    await failures.count(7, '192.0.2.1', 1_000);
    expect(await failures.paused(7, '192.0.2.1', 1_000)).toBe(false);
  });

  it('keeps a bounded number of records however many addresses fail, forgetting the least recent first', async () => {
    const { store, failures } = await fresh();
    for (let i = 0; i < 3; i++) await failures.count(7, 'early', 0);
    for (let n = 0; n < 1_000; n++) await failures.count(7, `198.51.100.${n}`, 1);
    // The records left, read as the console keys them (agent, then address).
    const left = await Promise.all(
      Array.from({ length: 1_000 }, (_, n) => store.failureCounts.get('console-address', `7 198.51.100.${n}`, 1, lock.forgetAfterMs)),
    );
    expect(left.filter(Boolean)).toHaveLength(lock.maxRecords);
    expect(await failures.paused(7, 'early', 2)).toBe(false);
  });

  it('forgets a record an hour (here: forgetAfterMs) after its last failure', async () => {
    const { failures } = await fresh();
    await failures.count(7, '192.0.2.1', 0);
    await failures.count(7, '192.0.2.1', 0);
    await failures.count(7, '192.0.2.1', lock.forgetAfterMs + 1);
    expect(await failures.paused(7, '192.0.2.1', lock.forgetAfterMs + 1)).toBe(false);
  });
});

describe('the client address a sign-in is counted under', () => {
  const of = (remoteAddress: string | undefined, headers: Record<string, string> = {}) =>
    clientAddressOf({ socket: { remoteAddress }, headers } as unknown as Request);

  it.each([
    ['127.0.0.2', '127.0.0.2'],
    ['::ffff:203.0.113.9', '203.0.113.9'],
    ['2001:db8:1:2:3:4:5:6', '2001:db8:1:2::/64'],
    ['2001:db8:1:2::9', '2001:db8:1:2::/64'],
    ['2001:0db8:0001:0002:ffff::1', '2001:db8:1:2::/64'],
    ['::1', '0:0:0:0::/64'],
    ['fe80::1%eth0', 'fe80:0:0:0::/64'],
  ])('counts %s as %s', (remote, expected) => {
    expect(of(remote)).toBe(expected);
  });

  it('reads no header: X-Forwarded-For is anyone’s to write while no proxy is trusted', () => {
    expect(of('127.0.0.2', { 'x-forwarded-for': '10.0.0.1' })).toBe('127.0.0.2');
  });
});
