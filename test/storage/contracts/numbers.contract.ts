import { describe, expect, it } from 'vitest';
import type { StoreSubject } from '../subject.js';
import { T0, useStore } from './fixtures.js';

export function numberRepositoryContract(subject: StoreSubject): void {
  describe('NumberRepository', () => {
    const t = useStore(subject);

    it('knows no language for a number never set', async () => {
      expect(await t.store.numbers.languageOf('+18005550100')).toBeUndefined();
      expect(await t.store.numbers.list()).toEqual([]);
    });

    it('sets the language a number answers in, and replaces it', async () => {
      await t.store.numbers.setLanguage('+18005550100', 'en-US', T0);
      await t.store.numbers.setLanguage('+81120555010', 'ja-JP', T0);
      await t.store.numbers.setLanguage('+18005550100', 'ja-JP', T0 + 5);
      expect(await t.store.numbers.languageOf('+18005550100')).toBe('ja-JP');
      const listed = await t.store.numbers.list();
      expect([...listed].sort((x, y) => x.e164.localeCompare(y.e164))).toEqual([
        { e164: '+18005550100', language: 'ja-JP', updatedAt: T0 + 5 },
        { e164: '+81120555010', language: 'ja-JP', updatedAt: T0 },
      ]);
    });
  });
}
