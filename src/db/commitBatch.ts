import type { SqliteDb } from './database.js';

/**
 * Group commit for webhooks. With synchronous=FULL every commit waits for an fsync, and the event
 * loop waits with it; one commit per webhook caps the line at a few hundred requests a second. Here the
 * webhooks answered in one event-loop turn share one transaction: the first opens it, each runs in its
 * own savepoint (a failure undoes only its own writes), and a setImmediate commits them together. Each
 * answer is released only after that commit, so nothing is told to Twilio that is not on disk.
 *
 * A turn takes at most `maxPerBatch` webhooks; the rest wait, in arrival order, for the turns after it.
 * Node's event loop accepts one new connection each time it polls, so a turn that answered every
 * webhook of hundreds of connections at once would leave new callers' connections unaccepted for
 * seconds.
 */
export interface CommitBatch {
  /** Runs `work` in this turn's transaction and resolves with its result once it is durable. */
  run<T>(work: () => T): Promise<T>;
  /** Commits the open batch now, if there is one: before writes that must not wait for the turn to end. */
  flush(): void;
  /** Runs a side effect (a text, a call) once what is batched now is committed; never if the commit fails. */
  afterCommit(effect: () => void): void;
}

interface Waiter {
  resolve(): void;
  reject(err: unknown): void;
}

export interface CommitBatchOptions {
  /** Told after each commit of a batch: how long COMMIT took (its fsync, mostly) and how many webhooks it carried. */
  onCommit?(seconds: number, webhooks: number): void;
  /** Webhooks one transaction carries at most (default 64). */
  maxPerBatch?: number;
}

const MAX_PER_BATCH = 64;

export function createCommitBatch(db: SqliteDb, options: CommitBatchOptions = {}): CommitBatch {
  let waiters: Waiter[] = [];
  let effects: Array<() => void> = [];
  let open = false;
  let inBatch = 0;
  const maxPerBatch = Math.max(1, options.maxPerBatch ?? MAX_PER_BATCH);
  // Work beyond a full batch, oldest first: each starts its webhook's work in a later batch.
  let waiting: Array<() => void> = [];
  let drainScheduled = false;
  // Built once: each webhook's work runs in a savepoint of the open transaction.
  const inSavepoint = db.transaction(<T>(work: () => T): T => work());

  function commit(): void {
    if (!open) return;
    open = false;
    inBatch = 0;
    const done = waiters;
    const then = effects;
    waiters = [];
    effects = [];
    const started = performance.now();
    try {
      db.exec('COMMIT');
    } catch (err) {
      try {
        if (db.inTransaction) db.exec('ROLLBACK');
      } catch {
        // The connection is gone; every waiter is told below.
      }
      for (const w of done) w.reject(err);
      scheduleDrain();
      return;
    }
    options.onCommit?.((performance.now() - started) / 1000, done.length);
    for (const w of done) w.resolve();
    for (const effect of then) effect();
    scheduleDrain();
  }

  function scheduleDrain(): void {
    if (waiting.length === 0 || drainScheduled) return;
    drainScheduled = true;
    // The next turn: the event loop polls (and accepts) before it.
    setImmediate(drain);
  }

  /** Runs the next batch of waiting work and commits it; more waiting work takes the turn after. */
  function drain(): void {
    drainScheduled = false;
    for (const start of waiting.splice(0, maxPerBatch - inBatch)) start();
    commit();
  }

  function runNow<T>(work: () => T): Promise<T> {
    if (!open) {
      db.exec('BEGIN IMMEDIATE');
      open = true;
      setImmediate(commit);
    }
    inBatch++;
    let result: T;
    try {
      result = inSavepoint(work) as T;
    } catch (err) {
      return Promise.reject(err);
    }
    return new Promise<T>((resolve, reject) => waiters.push({ resolve: () => resolve(result), reject }));
  }

  return {
    run<T>(work: () => T): Promise<T> {
      if (waiting.length === 0 && inBatch < maxPerBatch) return runNow(work);
      return new Promise<T>((resolve, reject) => {
        waiting.push(() => {
          try {
            runNow(work).then(resolve, reject);
          } catch (err) {
            // The transaction would not open (the database locked or gone): this webhook is told, the rest go on.
            reject(err);
          }
        });
        if (!open) scheduleDrain();
      });
    },
    flush: commit,
    afterCommit(effect) {
      if (open) effects.push(effect);
      else queueMicrotask(effect);
    },
  };
}
