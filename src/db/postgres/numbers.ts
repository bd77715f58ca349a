import type { NumberRepository } from '../../domain/storage/numbers.js';
import type { Sql } from './sql.js';

/** The dialed numbers' languages on PostgreSQL. */
export function createPgNumberRepository(sql: Sql): NumberRepository {
  return {
    async languageOf(e164) {
      return (await sql.row<{ language: string }>('SELECT language FROM phone_numbers WHERE e164 = $1', [e164]))?.language;
    },
    async setLanguage(e164, language, at) {
      await sql.run(
        `INSERT INTO phone_numbers (e164, language, updated_at) VALUES ($1, $2, $3)
         ON CONFLICT (e164) DO UPDATE SET language = excluded.language, updated_at = excluded.updated_at`,
        [e164, language, at],
      );
    },
    list: () =>
      sql.rows<{ e164: string; language: string; updatedAt: number }>(
        'SELECT e164, language, updated_at AS "updatedAt" FROM phone_numbers ORDER BY e164',
      ),
  };
}
