import type { SqliteDb } from './database.js';

/**
 * Group commit. With synchronous=FULL every commit waits for an fsync, and the event loop waits with
 * it; one commit per unit of work caps the line at a few hundred requests a second. Here the units of
 * work started in one event-loop turn share one transaction: the first opens it, each runs in its own
 * savepoint (a failure undoes only its own writes), and a setImmediate commits them together. Each
 * unit's promise resolves only after that commit, so nothing is told to Twilio that is not on disk.
 *
 * Units run one at a time: a unit's work awaits only this connection, whose calls answer at once, so
 * a unit finishes within the microtasks of the turn that started it and the next one starts after it.
 *
 * A turn takes at most `maxPerBatch` units; the rest wait, in arrival order, for the turns after it.
 * Node's event loop accepts one new connection each time it polls, so a turn that answered every
 * webhook of hundreds of connections at once would leave new callers' connections unaccepted for
 * seconds.
 */
export interface CommitBatch {
  /** Runs `work` in this turn's transaction, in a savepoint of its own; resolves with its result once it is durable. */
  run<T>(work: () => Promise<T> | T): Promise<T>;
  /** Runs a side effect once what is batched now is committed; never if the commit fails. */
  afterCommit(effect: () => void): void;
  /** Commits what is batched now, if anything (at shutdown). */
  commitNow(): void;
}

interface Waiter {
  resolve(): void;
  reject(err: unknown): void;
}

export interface CommitBatchOptions {
  /** Told after each commit of a batch: how long COMMIT took (its fsync, mostly) and how many units it carried. */
  onCommit?(seconds: number, units: number): void;
  /** Units one transaction carries at most (default 64). */
  maxPerBatch?: number;
}

const MAX_PER_BATCH = 64;

export function createCommitBatch(db: SqliteDb, options: CommitBatchOptions = {}): CommitBatch {
  let waiters: Waiter[] = [];
  let effects: Array<() => void> = [];
  let open = false;
  let inBatch = 0;
  /** A unit is between its SAVEPOINT and its RELEASE: the batch is not committed under it. */
  let unitRunning = false;
  let commitWhenIdle = false;
  const maxPerBatch = Math.max(1, options.maxPerBatch ?? MAX_PER_BATCH);
  // Units beyond a full batch, oldest first: each starts in a later batch.
  let nextTurns: Array<() => void> = [];
  // Units of this turn that arrived while another ran: each starts when the one before it ends.
  const thisTurn: Array<() => void> = [];
  let drainScheduled = false;

  function commit(): void {
    if (!open) return;
    if (unitRunning) {
      commitWhenIdle = true;
      return;
    }
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
    if (nextTurns.length === 0 || drainScheduled) return;
    drainScheduled = true;
    // The next turn: the event loop polls (and accepts) before it.
    setImmediate(drain);
  }

  /** Starts the next batch of waiting units; more waiting units take the turn after. */
  function drain(): void {
    drainScheduled = false;
    for (const start of nextTurns.splice(0, maxPerBatch - inBatch)) start();
    if (!unitRunning && thisTurn.length === 0) commit();
    else commitWhenIdle = true;
  }

  /** The unit that just ended lets the next of this turn start, or the commit that waited for it run. */
  function unitEnded(): void {
    unitRunning = false;
    const next = thisTurn.shift();
    if (next) next();
    else if (commitWhenIdle) {
      commitWhenIdle = false;
      commit();
    }
  }

  /**
   * Runs one unit now (no other unit is running): `resolve` once the commit that carries it is on
   * disk, `reject` if it fails or that commit does. One promise per unit, the caller's: every webhook
   * comes through here.
   */
  function start<T>(work: () => Promise<T> | T, resolve: (v: T) => void, reject: (e: unknown) => void): void {
    try {
      if (!open) {
        db.exec('BEGIN IMMEDIATE');
        open = true;
        setImmediate(commit);
      }
      db.exec('SAVEPOINT unit');
    } catch (err) {
      // The transaction would not open (the database locked or gone): this unit is told, the rest go on.
      reject(err);
      return;
    }
    inBatch++;
    unitRunning = true;
    const failed = (err: unknown) => {
      try {
        db.exec('ROLLBACK TO unit');
        db.exec('RELEASE unit');
      } catch {
        // The transaction is gone with the connection; the commit tells the others.
      }
      unitEnded();
      reject(err);
    };
    const done = (result: T) => {
      try {
        db.exec('RELEASE unit');
      } catch (err) {
        failed(err);
        return;
      }
      // Waits for the commit that carries this unit, registered before unitEnded may run that commit.
      waiters.push({ resolve: () => resolve(result), reject });
      unitEnded();
    };
    let result: Promise<T> | T;
    try {
      result = work();
    } catch (err) {
      failed(err);
      return;
    }
    if (result !== null && typeof result === 'object' && typeof (result as PromiseLike<T>).then === 'function') (result as PromiseLike<T>).then(done, failed);
    else done(result as T);
  }

  return {
    run<T>(work: () => Promise<T> | T): Promise<T> {
      return new Promise<T>((resolve, reject) => {
        const go = () => start(work, resolve, reject);
        if (nextTurns.length > 0 || inBatch + thisTurn.length >= maxPerBatch) {
          nextTurns.push(() => (unitRunning ? thisTurn.push(go) : go()));
          if (!open) scheduleDrain();
        } else if (unitRunning) thisTurn.push(go);
        else go();
      });
    },
    afterCommit(effect) {
      if (open) effects.push(effect);
      else queueMicrotask(effect);
    },
    commitNow: commit,
  };
}
