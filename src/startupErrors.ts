import { statSync } from 'node:fs';

/** Ends start-up with one line on stderr and exit code 1: the operator needs the cause, not a stack trace. */
export function startupFailed(line: string): never {
  console.error(`hotline: ${line}`);
  process.exit(1);
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
