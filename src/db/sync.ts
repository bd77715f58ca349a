/**
 * A repository of the storage port as the SQLite implementation runs it: better-sqlite3 answers at
 * once, so each method returns its value rather than a promise. The store (./store.ts) puts the port's
 * promises and transactions around these.
 */
export type Sync<R> = {
  [K in keyof R]: R[K] extends (...args: infer A) => Promise<infer T> ? (...args: A) => T : R[K];
};
