import { statSync } from 'node:fs';
import { ConfigError, loadConfig, type Config } from './config.js';
import { openDatabase, type SqliteDb } from './db/database.js';

/**
 * Ends start-up with one line on stderr and exit code 1: the operator needs the cause, not a stack
 * trace. `program` names who says it: the server, or the standalone dialer worker.
 */
export function startupFailed(line: string, program = 'hotline'): never {
  console.error(`${program}: ${line}`);
  process.exit(1);
}

/** The configuration from the environment, or one line naming the bad variable. */
export function loadConfigOrFail(program = 'hotline'): Config {
  try {
    return loadConfig(process.env);
  } catch (err) {
    if (err instanceof ConfigError) startupFailed(`configuration error: ${err.message}`, program);
    throw err;
  }
}

/** The database HOTLINE_DB names, open and migrated, or one line saying why it is not. */
export function openDatabaseOrFail(config: Config, program = 'hotline'): SqliteDb {
  try {
    return openDatabase(config.dbPath, { busyTimeoutMs: config.dbBusyTimeoutMs });
  } catch (err) {
    startupFailed(databaseProblem(config.dbPath, err), program);
  }
}

/** The first line of an error's message (SQLite's and the system's are one line already). */
const firstLine = (err: unknown) => (err instanceof Error ? err.message : String(err)).split('\n')[0];

/** Why the database file (HOTLINE_DB) could not be opened or migrated. */
export function databaseProblem(file: string, err: unknown): string {
  let reason = firstLine(err);
  try {
    if (statSync(file).isDirectory()) reason = 'it is a directory';
  } catch {
    /* missing or unreadable: SQLite's own reason says which */
  }
  return `cannot open the database ${file} (HOTLINE_DB): ${reason}`;
}

/** Why the server could not listen on HOST:PORT, naming the variable to change. */
export function listenProblem(host: string, port: number, err: NodeJS.ErrnoException): string {
  switch (err.code) {
    case 'EADDRINUSE':
      return `cannot listen on ${host}:${port}: port ${port} is already in use by another process (PORT)`;
    case 'EACCES':
      return `cannot listen on ${host}:${port}: not allowed to use port ${port} (PORT; ports below 1024 need privileges)`;
    case 'EADDRNOTAVAIL':
      return `cannot listen on ${host}:${port}: ${host} is not an address of this machine (HOST)`;
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
    case 'EAI_NONAME':
      return `cannot listen on ${host}: the name does not resolve to an address (HOST)`;
    default:
      return `cannot listen on ${host}:${port} (HOST, PORT): ${firstLine(err)}`;
  }
}
