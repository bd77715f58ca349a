import type { SqliteDb } from './database.js';
import type { Sync } from './sync.js';
import type { NumberRepository } from '../domain/storage/numbers.js';

export function createSqliteNumberRepository(db: SqliteDb): Sync<NumberRepository> {
  const get = db.prepare('SELECT language FROM phone_numbers WHERE e164 = ?').pluck();
  const put = db.prepare(
    `INSERT INTO phone_numbers (e164, language, updated_at) VALUES (?, ?, ?)
     ON CONFLICT (e164) DO UPDATE SET language = excluded.language, updated_at = excluded.updated_at`,
  );
  const all = db.prepare('SELECT e164, language, updated_at AS updatedAt FROM phone_numbers ORDER BY e164');
  return {
    languageOf: (e164) => get.get(e164) as string | undefined,
    setLanguage: (e164, language, at) => void put.run(e164, language, at),
    list: () => all.all() as Array<{ e164: string; language: string; updatedAt: number }>,
  };
}
