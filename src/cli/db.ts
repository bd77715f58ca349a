import { backupDatabase } from '../db/backup.js';
import { commandGroup, emit, readArgs, type Command } from './command.js';

const backup: Command = {
  summary: 'copy the live database into a new file (online, the server keeps running)',
  usage: [
    'usage: hotline db backup FILE [--json]',
    '',
    'Copies HOTLINE_DB into FILE with SQLite\'s online backup while the server keeps answering calls,',
    'then checks the copy\'s integrity. FILE must not exist. The copy holds OTP secrets sealed with',
    'HOTLINE_SECRET_KEY: keep the key apart from the backup, and both safe. Restore steps: docs/operations.md,',
    '"Backup and restore". With HOTLINE_DATABASE_URL set the database is PostgreSQL: back it up with',
    'pg_dump instead (docs/operations.md, "PostgreSQL").',
  ].join('\n'),
  async run(args, ctx) {
    const a = readArgs(args, { command: 'db backup', positionals: ['FILE'] });
    const config = ctx.loadConfig();
    if (config.database.engine === 'postgres') {
      throw new Error('db backup copies the SQLite file (HOTLINE_DB); with HOTLINE_DATABASE_URL set, back up PostgreSQL with pg_dump (docs/operations.md, "PostgreSQL")');
    }
    const result = await backupDatabase(config.dbPath, a.positionals[0]!);
    emit(ctx, a.json, result, () =>
      [
        `Backed up ${result.source} to ${result.file} (${result.bytes} bytes, integrity ok).`,
        `It holds ${result.rows.customers} customer(s), ${result.rows.callbacks} callback(s), ${result.rows.calls} call(s).`,
      ].join('\n'),
    );
  },
};

/** `hotline db ...`: the database file itself. */
export const dbCommand = commandGroup('db', 'back up the database', { backup });
