import { existsSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { backupDatabase } from '../../src/db/backup.js';
import { closeDatabase, openDatabase } from '../../src/db/database.js';
import { tempDir } from '../support/harness.js';

/** A file's permission bits in octal, as ls and chmod spell them. */
const modeOf = (file: string) => (existsSync(file) ? (statSync(file).mode & 0o777).toString(8) : 'absent');

describe('the database and its backups are readable and writable by their owner only (0600), whatever the umask', () => {
  let dir: string;
  let umask: number;
  beforeEach(() => {
    dir = tempDir();
    umask = process.umask();
  });
  afterEach(() => {
    process.umask(umask);
    rmSync(dir, { recursive: true, force: true });
  });

  for (const mask of [0o000, 0o022, 0o277]) {
    it(`umask ${mask.toString(8).padStart(3, '0')}: a fresh database file, its -wal and its -shm`, () => {
      const file = join(dir, 'hotline.sqlite');
      process.umask(mask);
      const db = openDatabase(file);
      try {
        expect({ db: modeOf(file), wal: modeOf(`${file}-wal`), shm: modeOf(`${file}-shm`) }).toEqual({ db: '600', wal: '600', shm: '600' });
        db.prepare('INSERT INTO schema_migrations (name, applied_at) VALUES (?, ?)').run('999_probe.sql', 1); // still writable
      } finally {
        closeDatabase(db);
      }
    });
  }

  it('a fresh database in a directory that does not exist yet', () => {
    const file = join(dir, 'data', 'nested', 'hotline.sqlite');
    process.umask(0o000);
    closeDatabase(openDatabase(file));
    expect(modeOf(file)).toBe('600');
  });

  it('the file `hotline db backup` writes', async () => {
    const live = join(dir, 'hotline.sqlite');
    const db = openDatabase(live);
    try {
      process.umask(0o000);
      const copy = join(dir, 'backups', 'hotline-1.sqlite');
      await backupDatabase(live, copy);
      expect({ copy: modeOf(copy), wal: modeOf(`${copy}-wal`), journal: modeOf(`${copy}-journal`) }).toEqual({ copy: '600', wal: 'absent', journal: 'absent' });
    } finally {
      closeDatabase(db);
    }
  });
});
