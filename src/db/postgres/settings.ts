/** The PostgreSQL settings' defaults, apart from the driver so that the configuration can name them. */

/*
 * A voice route answers its apology and the backup line within 2 s when the database is slow or gone
 * (docs/operations.md, PostgreSQL): it fails at the first wait that runs out, and a wait for a
 * connection (at most 0.5 s) followed by a statement that never returns (at most 1 s) still leaves
 * half a second of the 2 s to the route's own work and a loaded machine.
 */

/** Longest a statement may run on the server, lock waits included. */
export const DEFAULT_STATEMENT_TIMEOUT_MS = 800;
/** Longest a request waits for a pooled connection, or for a new one to open. */
export const DEFAULT_ACQUIRE_TIMEOUT_MS = 500;
/**
 * How much longer than the statement timeout this side waits for an answer before it gives the
 * connection up (a server that stopped answering cannot cancel anything itself); later than the
 * server's own cancel, so a slow statement still ends with PostgreSQL's error and a reusable connection.
 */
export const READ_TIMEOUT_MARGIN_MS = 200;
export const DEFAULT_POOL_SIZE = 10;

/** Whether a URL names PostgreSQL (postgres:// or postgresql://). */
export const isPostgresUrl = (url: string): boolean => /^postgres(ql)?:\/\/[^/]/i.test(url);
