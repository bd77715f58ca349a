import { Worker } from 'node:worker_threads';
import type { Logger } from 'pino';
import type { CommitBatch } from './commitBatch.js';
import type { SqliteDb } from './database.js';

const INTERVAL_MS = 250;
const SQLITE_DEFAULT_AUTOCHECKPOINT = 1000;

/**
 * Log length, in frames (a page each, 16 MB at 4 KB pages), past which the serving connection finishes
 * a checkpoint itself. SQLite starts the log again from the top only when a write begins with every
 * frame already copied. Under sustained load the worker never sees that: commits land while it copies,
 * so the log only grows (12 MB a second at 1,000 webhooks a second on the benchmark machine, gigabytes
 * in an outage, all of it read back at the next start). The serving connection, between two batches,
 * copies the short tail the worker left (a millisecond or two), and its next commit rewinds the log.
 */
export const REWIND_LOG_AT_FRAMES = 4096;

export interface CheckpointOptions {
  /** See REWIND_LOG_AT_FRAMES. */
  rewindLogAtFrames?: number;
}

/**
 * Moves WAL checkpoints off the serving connection. SQLite otherwise runs one inside whichever commit
 * pushes the log past 1,000 pages, and that commit (and every webhook waiting on the event loop) pays
 * for copying and fsyncing the database file: the slowest answers under load. If the worker stops,
 * the serving connection checkpoints for itself again.
 */
export function startBackgroundCheckpoints(
  db: SqliteDb,
  file: string,
  logger: Logger,
  batch: Pick<CommitBatch, 'afterCommit'>,
  options: CheckpointOptions = {},
): { stop(): Promise<void> } {
  const rewindAt = options.rewindLogAtFrames ?? REWIND_LOG_AT_FRAMES;
  db.pragma('wal_autocheckpoint = 0');
  const worker = new Worker(new URL('./checkpointWorker.mjs', import.meta.url), {
    workerData: { file, intervalMs: INTERVAL_MS },
  });
  worker.unref();
  let stopping = false;
  const finishCheckpoint = db.prepare('PRAGMA wal_checkpoint(PASSIVE)');
  worker.on('message', (message: { logFrames: number }) => {
    if (message.logFrames < rewindAt) return;
    // Right after a commit, before the next batch opens: nothing of the serving connection's own is in
    // flight. A batch whose commit fails drops it; the worker's next report asks again.
    batch.afterCommit(() => {
      if (stopping || !db.open || db.inTransaction) return;
      try {
        const { busy, log, checkpointed } = finishCheckpoint.get() as { busy: number; log: number; checkpointed: number };
        // Busy: the worker was copying at that moment; the next report tries again.
        logger.debug({ busy, logFrames: log, checkpointed }, 'write-ahead log copied up to its end; the next commit rewinds it');
      } catch (err) {
        logger.warn({ err }, 'could not finish the checkpoint; the log keeps growing until the next try');
      }
    });
  });
  const fallBack = (why: string) => {
    if (stopping || !db.open) return;
    db.pragma(`wal_autocheckpoint = ${SQLITE_DEFAULT_AUTOCHECKPOINT}`);
    logger.warn({ why }, 'background checkpoints stopped; the serving connection checkpoints itself');
  };
  worker.on('error', (err) => fallBack(err.message));
  worker.on('exit', (code) => fallBack(`worker exited with code ${code}`));
  return {
    async stop() {
      stopping = true;
      // Held until the worker is gone: a shutdown waiting here must not find the event loop empty.
      worker.ref();
      const exited = new Promise<void>((resolve) => worker.once('exit', () => resolve()));
      worker.postMessage('stop');
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([exited, new Promise((resolve) => (timer = setTimeout(resolve, 1000)))]);
      clearTimeout(timer);
      if (db.open) db.pragma(`wal_autocheckpoint = ${SQLITE_DEFAULT_AUTOCHECKPOINT}`);
    },
  };
}
