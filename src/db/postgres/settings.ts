/** The PostgreSQL settings' defaults, apart from the driver so that the configuration can name them. */

/** Longest a statement may run, lock waits included: a voice route still answers its apology within 2 s. */
export const DEFAULT_STATEMENT_TIMEOUT_MS = 1500;
/** Longest a request waits for a pooled connection, or for a new one to open. */
export const DEFAULT_ACQUIRE_TIMEOUT_MS = 1500;
export const DEFAULT_POOL_SIZE = 10;

/** Whether a URL names PostgreSQL (postgres:// or postgresql://). */
export const isPostgresUrl = (url: string): boolean => /^postgres(ql)?:\/\/[^/]/i.test(url);
