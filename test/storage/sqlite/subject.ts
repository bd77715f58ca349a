import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openDatabase } from '../../../src/db/database.js';
import { createSqliteStore } from '../../../src/db/store.js';
import type { Store } from '../../../src/domain/storage/index.js';
import type { StoreSettings, StoreSubject } from '../subject.js';
import { StoreThread } from './threadStore.js';

/**
 * The SQLite store (createSqliteStore) over a real database file in a temporary directory, opened with
 * openDatabase and so migrated by db/migrations.
 *
 * The other stores on the same file run on threads of their own, as another process would. Two stores
 * on one thread would wait on each other: a store keeps SQLite's write lock until its group commit at
 * the end of the event-loop turn, and the other's BEGIN IMMEDIATE would block that very event loop
 * until the busy timeout, then fail.
 */
export function sqliteSubject(): StoreSubject {
  const idle: StoreThread[] = [];
  let current: { dir: string; file: string; settings: StoreSettings; store: Store; others: Array<{ thread: StoreThread; store: Store }> } | undefined;

  return {
    open(settings) {
      const dir = mkdtempSync(join(tmpdir(), 'hotline-contract-'));
      const file = join(dir, 'hotline.sqlite');
      const store = createSqliteStore(openDatabase(file), settings);
      current = { dir, file, settings, store, others: [] };
      return Promise.resolve(store);
    },
    async openAnother() {
      if (!current) throw new Error('openAnother() before open()');
      const thread = idle.pop() ?? new StoreThread();
      const store = await thread.open(current.file, current.settings);
      current.others.push({ thread, store });
      return store;
    },
    async close() {
      if (!current) return;
      const { dir, store, others } = current;
      current = undefined;
      for (const other of others) {
        await other.store.close();
        idle.push(other.thread);
      }
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    },
    async dispose() {
      await Promise.all(idle.splice(0).map((thread) => thread.terminate()));
    },
  };
}
