import { describe, expect, it } from 'vitest';
import type { FailureRule } from '../../../src/domain/storage/failureCounts.js';
import type { StoreSubject } from '../subject.js';
import { HOUR, MINUTE, T0, useStore } from './fixtures.js';

const RULE: FailureRule = { forgetAfterMs: HOUR, maxRecords: 100, pauseAfter: 3, pauseForMs: 15 * MINUTE };

export function failureCountRepositoryContract(subject: StoreSubject): void {
  describe('FailureCountRepository', () => {
    const t = useStore(subject);

    it('counts failures per scope and key, pausing from the set count on, until cleared', async () => {
      const counts = t.store.failureCounts;
      expect(await counts.get('console-address', '7 10.0.0.1', T0, HOUR)).toBeUndefined();
      expect(await counts.count('console-address', '7 10.0.0.1', T0, RULE)).toEqual({ failures: 1, lastFailureAt: T0, pausedUntil: 0 });
      expect(await counts.count('console-address', '7 10.0.0.1', T0 + 1, RULE)).toMatchObject({ failures: 2, pausedUntil: 0 });
      expect(await counts.count('console-address', '7 10.0.0.1', T0 + 2, RULE)).toEqual({ failures: 3, lastFailureAt: T0 + 2, pausedUntil: T0 + 2 + 15 * MINUTE });
      // While paused the key is not counted, and no further pause is set.
      expect(await counts.count('console-address', '7 10.0.0.1', T0 + 3, RULE)).toBeUndefined();
      expect(await counts.get('console-address', '7 10.0.0.1', T0 + 3, HOUR)).toMatchObject({ failures: 3, pausedUntil: T0 + 2 + 15 * MINUTE });
      // Another scope, and another key, count apart.
      expect(await counts.get('admin-token', '7 10.0.0.1', T0 + 3, HOUR)).toBeUndefined();
      expect(await counts.count('admin-token', '10.0.0.1', T0 + 3, { forgetAfterMs: HOUR, maxRecords: 100 })).toMatchObject({ failures: 1, pausedUntil: 0 });
      expect(await counts.get('console-address', '7 10.0.0.1', T0 + 3, HOUR)).toMatchObject({ failures: 3 });
      await counts.clear('console-address', '7 10.0.0.1');
      expect(await counts.get('console-address', '7 10.0.0.1', T0 + 3, HOUR)).toBeUndefined();
      expect(await counts.get('admin-token', '10.0.0.1', T0 + 3, HOUR)).toMatchObject({ failures: 1 });
    });

    it('forgets a key idle past the rule with no pause in force, and keeps only the most recently failed keys', async () => {
      const counts = t.store.failureCounts;
      await counts.count('admin-token', 'a', T0, RULE);
      await counts.count('admin-token', 'a', T0, RULE);
      expect(await counts.get('admin-token', 'a', T0 + HOUR + 1, HOUR)).toBeUndefined();
      expect(await counts.count('admin-token', 'a', T0 + HOUR + 1, RULE)).toMatchObject({ failures: 1 });
      const few = { ...RULE, maxRecords: 2 };
      await counts.count('admin-token', 'b', T0 + HOUR + 2, few);
      await counts.count('admin-token', 'c', T0 + HOUR + 3, few);
      expect(await counts.get('admin-token', 'a', T0 + HOUR + 3, HOUR)).toBeUndefined();
      expect(await counts.get('admin-token', 'b', T0 + HOUR + 3, HOUR)).toMatchObject({ failures: 1 });
      expect(await counts.get('admin-token', 'c', T0 + HOUR + 3, HOUR)).toMatchObject({ failures: 1 });
    });

    it('counts every failure when instances count the same key at once, and none past the pause', async () => {
      const others = [t.store, await t.another(), await t.another()];
      const never = { forgetAfterMs: HOUR, maxRecords: 100 };
      await Promise.all(Array.from({ length: 30 }, (_, i) => others[i % 3]!.failureCounts.count('admin-token', '10.0.0.9', T0, never)));
      expect(await t.store.failureCounts.get('admin-token', '10.0.0.9', T0, HOUR)).toMatchObject({ failures: 30, pausedUntil: 0 });
      const counted = await Promise.all(Array.from({ length: 12 }, (_, i) => others[i % 3]!.failureCounts.count('console-address', '7 x', T0, RULE)));
      expect(counted.filter((c) => c !== undefined)).toHaveLength(RULE.pauseAfter!);
    });
  });
}
