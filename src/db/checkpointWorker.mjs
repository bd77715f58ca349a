// Runs on a worker thread with its own connection: copies the write-ahead log into the database file
// every interval, so the fsyncs of checkpointing never stall the event loop that answers webhooks.
import { parentPort, workerData } from 'node:worker_threads';
import Database from 'better-sqlite3';

const db = new Database(workerData.file);
db.pragma('busy_timeout = 0');
// PASSIVE: copies what it can without waiting for, or blocking, the serving connection.
const checkpoint = db.prepare('PRAGMA wal_checkpoint(PASSIVE)');
const timer = setInterval(() => {
  try {
    const { log } = checkpoint.get();
    // How long the log is now, in frames: the serving connection rewinds it when it grows too long.
    parentPort.postMessage({ logFrames: log });
  } catch {
    // Busy or briefly locked: the next interval tries again.
  }
}, workerData.intervalMs);

parentPort.on('message', (message) => {
  if (message !== 'stop') return;
  clearInterval(timer);
  db.close();
  parentPort.close();
});
