import Database from 'better-sqlite3';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createCommitBatch } from '../../src/db/commitBatch.js';
import { openDatabase, type SqliteDb } from '../../src/db/database.js';
import { tempDir } from '../support/harness.js';

describe('group commit of webhooks', () => {
  let file: string;
  let db: SqliteDb;
  let other: Database.Database;
  beforeEach(() => {
    file = join(tempDir(), 'batch.sqlite');
    db = openDatabase(file);
    db.exec('CREATE TABLE t (x INTEGER) STRICT');
    other = new Database(file, { readonly: true });
  });
  afterEach(() => {
    other.close();
    db.close();
  });
  const seenElsewhere = () => (other.prepare('SELECT x FROM t ORDER BY x').all() as Array<{ x: number }>).map((r) => r.x);

  it("answers only once the turn's writes are committed, and a failed webhook undoes only its own", async () => {
    const batch = createCommitBatch(db);
    const insert = db.prepare('INSERT INTO t VALUES (?)');
    const first = batch.run(() => (insert.run(1), 'first answer'));
    const failed = batch.run(() => {
      insert.run(2);
      throw new Error('this webhook fails');
    });
    const third = batch.run(() => (insert.run(3), 'third answer'));
    // Not yet committed: another connection sees nothing while the answers wait.
    expect(seenElsewhere()).toEqual([]);
    await expect(failed).rejects.toThrow('this webhook fails');
    expect(await first).toBe('first answer');
    expect(await third).toBe('third answer');
    expect(seenElsewhere()).toEqual([1, 3]);
  });

  it('runs a side effect after the commit that made it true', async () => {
    const batch = createCommitBatch(db);
    let seenByEffect: number[] = [];
    const done = batch.run(() => {
      db.prepare('INSERT INTO t VALUES (7)').run();
      batch.afterCommit(() => (seenByEffect = seenElsewhere()));
    });
    expect(seenByEffect).toEqual([]);
    await done;
    expect(seenByEffect).toEqual([7]);
  });

  it('carries at most maxPerBatch webhooks per commit; the rest follow in order, in later turns', async () => {
    // Counts turns of the event loop, to see in which turn each batch commits.
    let turn = 0;
    let ticking = true;
    const tick = () => {
      turn++;
      if (ticking) setImmediate(tick);
    };
    setImmediate(tick);
    const commits: number[] = [];
    const turns: number[] = [];
    // Rows in the table at each commit: what the waiting webhooks had touched by then.
    const rows: number[] = [];
    const batch = createCommitBatch(db, {
      maxPerBatch: 3,
      onCommit: (_seconds, webhooks) => (
        commits.push(webhooks), turns.push(turn), rows.push((db.prepare('SELECT count(*) AS n FROM t').get() as { n: number }).n)
      ),
    });
    const insert = db.prepare('INSERT INTO t VALUES (?)');
    const answers = [1, 2, 3, 4, 5, 6, 7].map((x) => batch.run(() => (insert.run(x), x)));
    expect(await Promise.all(answers)).toEqual([1, 2, 3, 4, 5, 6, 7]);
    // The first three ran in the first turn; the four waiting had not touched the database when it committed.
    expect(rows).toEqual([3, 6, 7]);
    ticking = false;
    expect(commits).toEqual([3, 3, 1]);
    // Each batch in a turn of its own: the event loop polls (and accepts a connection) between them.
    expect(new Set(turns).size).toBe(3);
    expect(seenElsewhere()).toEqual([1, 2, 3, 4, 5, 6, 7]);
  });

  it('a waiting webhook that fails undoes only its own writes', async () => {
    const batch = createCommitBatch(db, { maxPerBatch: 1 });
    const insert = db.prepare('INSERT INTO t VALUES (?)');
    const first = batch.run(() => insert.run(1));
    const failed = batch.run(() => {
      insert.run(2);
      throw new Error('this webhook fails');
    });
    const third = batch.run(() => insert.run(3));
    await first;
    await expect(failed).rejects.toThrow('this webhook fails');
    await third;
    expect(seenElsewhere()).toEqual([1, 3]);
  });

  it('a waiting webhook whose transaction cannot open is refused alone, and the server goes on', async () => {
    const impatient = openDatabase(file, { busyTimeoutMs: 0 });
    try {
      const batch = createCommitBatch(impatient, { maxPerBatch: 1 });
      const insert = impatient.prepare('INSERT INTO t VALUES (?)');
      const first = batch.run(() => insert.run(1));
      const second = batch.run(() => insert.run(2));
      await first;
      // Another writer takes the lock before the waiting webhook's turn comes.
      const locker = new Database(file);
      locker.exec('BEGIN IMMEDIATE');
      await expect(second).rejects.toThrow(/locked|busy/i);
      locker.exec('ROLLBACK');
      locker.close();
      expect(await batch.run(() => (insert.run(3), 'third answer'))).toBe('third answer');
      expect(seenElsewhere()).toEqual([1, 3]);
    } finally {
      impatient.close();
    }
  });

  it("commitNow commits at once, without waiting for the turn to end (the store's close)", async () => {
    // Scheduled before the batch's own end-of-turn commit: it runs first unless commitNow committed.
    let turnEnded = false;
    setImmediate(() => (turnEnded = true));
    const batch = createCommitBatch(db);
    const done = batch.run(() => db.prepare('INSERT INTO t VALUES (5)').run());
    batch.commitNow();
    await done;
    expect(turnEnded).toBe(false);
    expect(seenElsewhere()).toEqual([5]);
  });
});
