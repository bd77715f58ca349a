import { statSync } from 'node:fs';
import { ConfigError, loadConfig, type Config } from './config.js';
import { openDatabase, type SqliteDb } from './db/database.js';
import { redactUrl } from './db/postgres/connection.js';
import { createPostgresStore } from './db/postgres/store.js';
import type { Clock } from './domain/clock.js';
import { AGENT_OFFER_HOLD_MS } from './domain/serviceNumbers.js';
import type { Store } from './domain/storage/index.js';

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

/** Why PostgreSQL (HOTLINE_DATABASE_URL) could not be reached or migrated, without its password. */
export function postgresProblem(url: string, err: unknown): string {
  const code = (err as { code?: unknown }).code;
  const message = firstLine(err)!.replaceAll(url, redactUrl(url));
  return `cannot open the PostgreSQL database ${redactUrl(url)} (HOTLINE_DATABASE_URL): ${typeof code === 'string' ? `${code} ` : ''}${message}`;
}

/** The storage the configuration names could not be opened; the message is one line, without a password. */
export class StorageError extends Error {}

/**
 * The store the configuration names, open and migrated: `{ db }` for the SQLite file, `{ store }` for
 * PostgreSQL (migrated under an advisory lock, so instances starting together migrate once). Throws a
 * StorageError whose message is one line naming the variable when it cannot be opened.
 */
export async function openStorage(
  config: Config,
  options: { clock: Clock; onPoolError?: (err: Error) => void },
): Promise<{ db: SqliteDb; store?: undefined } | { store: Store; db?: undefined }> {
  const database = config.database;
  if (database.engine === 'sqlite') {
    try {
      return { db: openDatabase(config.dbPath, { busyTimeoutMs: config.dbBusyTimeoutMs }) };
    } catch (err) {
      throw new StorageError(databaseProblem(config.dbPath, err), { cause: err });
    }
  }
  try {
    const store = await createPostgresStore(database.url, {
      clock: options.clock,
      offerHoldMs: AGENT_OFFER_HOLD_MS,
      poolSize: database.poolSize,
      statementTimeoutMs: database.statementTimeoutMs,
      acquireTimeoutMs: database.acquireTimeoutMs,
      ...(options.onPoolError && { onPoolError: options.onPoolError }),
    });
    return { store };
  } catch (err) {
    throw new StorageError(postgresProblem(database.url, err), { cause: err });
  }
}

/** openStorage for a program starting up: one line on stderr and exit 1 when the storage cannot be opened. */
export async function openStorageOrFail(
  config: Config,
  options: { program?: string; clock: Clock; onPoolError?: (err: Error) => void },
): Promise<{ db: SqliteDb; store?: undefined } | { store: Store; db?: undefined }> {
  try {
    return await openStorage(config, options);
  } catch (err) {
    if (err instanceof StorageError) startupFailed(err.message, options.program ?? 'hotline');
    throw err;
  }
}
