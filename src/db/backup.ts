import Database from 'better-sqlite3';
import { mkdirSync, rmSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { createPrivateFile } from './database.js';

export interface BackupResult {
  source: string;
  file: string;
  bytes: number;
  /** Rows in the tables an operator checks first after a restore. */
  rows: { customers: number; callbacks: number; calls: number };
}

/**
 * Copies a live database into a new single file with SQLite's online backup (pages are copied between
 * other connections' writes, so the server keeps answering), then turns the copy's journal to DELETE
 * so it needs no -wal file beside it, and checks its integrity. The copy is mode 0600 (its -journal and
 * -wal while it is written follow it). It holds OTP secrets sealed with
 * HOTLINE_SECRET_KEY: it is only as useful as the key, and only as safe as where it is kept.
 */
export async function backupDatabase(sourceFile: string, destinationFile: string): Promise<BackupResult> {
  const source = resolve(sourceFile);
  const file = resolve(destinationFile);
  // Not openDatabase: a backup must not migrate the live file.
  const live = new Database(source, { fileMustExist: true });
  try {
    live.pragma('busy_timeout = 5000');
    mkdirSync(dirname(file), { recursive: true });
    // The copy is made 0600 and empty before any page is written into it (an empty file is an empty
    // database to SQLite); creating it exclusively is also what refuses an existing file, with no gap
    // between the check and the write.
    try {
      createPrivateFile(file);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'EEXIST') throw new Error(`${file} already exists: choose a new file name`);
      throw err;
    }
    try {
      await live.backup(file);
    } catch (err) {
      // Ours (created just above), and a half-written copy must not pass for a backup.
      for (const made of [file, `${file}-journal`]) rmSync(made, { force: true });
      throw err;
    }
  } finally {
    live.close();
  }

  const copy = new Database(file, { fileMustExist: true });
  let rows: BackupResult['rows'];
  try {
    copy.pragma('journal_mode = DELETE');
    const integrity = copy.pragma('integrity_check', { simple: true });
    if (integrity !== 'ok') throw new Error(`the copy in ${file} failed its integrity check: ${String(integrity)}`);
    const count = (table: string) => copy.prepare(`SELECT count(*) FROM ${table}`).pluck().get() as number;
    rows = { customers: count('customers'), callbacks: count('callbacks'), calls: count('calls') };
  } finally {
    copy.close();
  }
  return { source, file, bytes: statSync(file).size, rows };
}
