import { backupDatabase } from '../db/backup.js';
import { copySqliteToPostgres, type CopyResult } from '../db/copyToPostgres.js';
import { isPostgresUrl } from '../db/postgres/settings.js';
import { commandGroup, emit, readArgs, UsageError, type Command } from './command.js';

const backup: Command = {
  summary: 'copy the live SQLite database into a new file (online, the server keeps running)',
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

const SECRETS_NOTE =
  'OTP secrets were copied sealed as they are: the instances on PostgreSQL need the same HOTLINE_SECRET_KEY (and HOTLINE_SECRET_KEY_PREVIOUS, if set) to use them.';

const copy: Command = {
  summary: 'copy the SQLite database into an empty PostgreSQL database',
  usage: [
    'usage: hotline db copy --to postgres://USER:PASSWORD@HOST:5432/DATABASE [--json]',
    '',
    'Copies every table of the SQLite database HOTLINE_DB (customers and their sealed secrets and',
    'authenticators, agents and rosters, numbers, calls, callbacks with their legs, events, notes and',
    'escalations, verification state and audit, API keys and their uses) into an EMPTY PostgreSQL',
    'database: migrates it first, then copies in one transaction (all or nothing), moves its id',
    'sequences past the copied ids, and prints the rows of each table on both sides. The SQLite file is',
    'opened read-only and left as it is; a server may keep running on it, but stop it first so that',
    'nothing written after the copy is lost. A database that holds any row is refused, as is a column',
    'either side cannot map. Secrets stay sealed: run the PostgreSQL instances with the same',
    'HOTLINE_SECRET_KEY. Steps: docs/operations.md, "Moving from SQLite to PostgreSQL".',
  ].join('\n'),
  async run(args, ctx) {
    const a = readArgs(args, { command: 'db copy', positionals: [], options: { to: { type: 'string' } } });
    const to = a.string('to');
    if (to === undefined) throw new UsageError('missing --to postgres://...', 'hotline db copy --help');
    // Not echoed: it may hold the password.
    if (!isPostgresUrl(to)) throw new UsageError('--to must be a PostgreSQL URL such as postgres://user:password@host:5432/hotline', 'hotline db copy --help');
    const result = await copySqliteToPostgres(ctx.sqliteFile(), to);
    emit(ctx, a.json, { ...result, secrets: SECRETS_NOTE }, () => describeCopy(result));
  },
};

function describeCopy(r: CopyResult): string {
  const rows = [['TABLE', 'SQLITE', 'POSTGRESQL'], ...r.tables.map((t) => [t.table, t.sqlite === null ? '-' : String(t.sqlite), String(t.postgres)])];
  const width = Math.max(...rows.map((row) => row[0]!.length)) + 2;
  const lines = rows.map(([table, sqlite, postgres]) => `  ${table!.padEnd(width)}${sqlite!.padStart(8)}${postgres!.padStart(12)}`);
  const copied = r.tables.reduce((sum, t) => sum + (t.sqlite ?? 0), 0);
  return [
    `Copied ${copied} row(s) from ${r.source} into ${r.target}${r.migrated.length > 0 ? ` (migrated: ${r.migrated.join(', ')})` : ''}.`,
    '',
    ...lines,
    '',
    ...(r.tables.some((t) => t.sqlite === null) ? ['"-": a table only PostgreSQL has; left empty.'] : []),
    ...r.notCopied.map((n) => `Not copied: ${n.table} (${n.reason}).`),
    SECRETS_NOTE,
    ...(r.sealingKeyIds.length > 0 ? [`They are sealed with key(s) ${r.sealingKeyIds.join(', ')}.`] : []),
  ].join('\n');
}

/** `hotline db ...`: the database itself. */
export const dbCommand = commandGroup('db', 'back up the SQLite database, or copy it into PostgreSQL', { backup, copy });
