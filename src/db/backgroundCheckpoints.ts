import { Worker } from 'node:worker_threads';
import type { Logger } from 'pino';
import type { SqliteDb } from './database.js';

const INTERVAL_MS = 250;
const SQLITE_DEFAULT_AUTOCHECKPOINT = 1000;

/**
 * Moves WAL checkpoints off the serving connection. SQLite otherwise runs one inside whichever commit
 * pushes the log past 1,000 pages, and that commit (and every webhook waiting on the event loop) pays
 * for copying and fsyncing the database file: the slowest answers under load. If the worker stops,
 * the serving connection checkpoints for itself again.
 */
export function startBackgroundCheckpoints(db: SqliteDb, file: string, logger: Logger): { stop(): Promise<void> } {
  db.pragma('wal_autocheckpoint = 0');
  const worker = new Worker(new URL('./checkpointWorker.mjs', import.meta.url), {
    workerData: { file, intervalMs: INTERVAL_MS },
  });
  worker.unref();
  let stopping = false;
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
