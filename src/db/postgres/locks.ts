import type { Sql } from './sql.js';

/** What a transaction-scoped advisory lock guards; each has its own key space (the first key). */
const SPACES = {
  /** A CallSid whose bridge and end must not interleave (agents). */
  'call-end': 1,
  /** The head of the P1 queue: one offer at a time across instances. */
  'queue-head': 2,
  /** A customer's open unverified callback: at most one, whichever instance books it. */
  'unverified-callback': 3,
  /** A calling number's guesses: counted and added to one verification at a time, across instances. */
  'caller-guesses': 4,
} as const;

/**
 * Takes PostgreSQL advisory locks for `keys` until the transaction ends, in a fixed order so that two
 * transactions locking the same keys cannot deadlock. Keys are hashed into 32 bits by the server; a
 * collision only makes two unrelated transactions wait for each other.
 */
export async function lockKeys(sql: Sql, space: keyof typeof SPACES, keys: readonly string[]): Promise<void> {
  const sorted = [...new Set(keys)].sort();
  await sql.run('SELECT pg_advisory_xact_lock($1, hashtext(k)) FROM unnest($2::text[]) WITH ORDINALITY AS t(k, n) ORDER BY n', [
    SPACES[space],
    sorted,
  ]);
}
