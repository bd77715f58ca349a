import pg from 'pg';
import { DEFAULT_ACQUIRE_TIMEOUT_MS, DEFAULT_POOL_SIZE, DEFAULT_STATEMENT_TIMEOUT_MS, READ_TIMEOUT_MARGIN_MS } from './settings.js';

/** How the pool reaches PostgreSQL and how long anything may wait for it. */
export interface PostgresOptions {
  /** Most connections this instance opens (default 10). */
  poolSize?: number;
  /**
   * Longest a statement may run, waiting on locks included (default 800 ms): a voice route must still
   * answer its apology within Twilio's patience when the database is slow or gone.
   */
  statementTimeoutMs?: number;
  /** Longest a request waits for a pooled connection, or for a new one to open (default 500 ms). */
  acquireTimeoutMs?: number;
  /** Told about connections the pool lost while idle (the database restarted); never given the URL. */
  onPoolError?: (err: Error) => void;
}


const INT8_OID = 20;
const parseInt8 = (value: string): number => Number(value);

// Ids and epoch-millisecond times are bigint columns: well inside 2^53, so read as numbers.
const types = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
    oid === INT8_OID && format !== 'binary' ? parseInt8 : pg.types.getTypeParser(oid, format as 'text')) as typeof pg.types.getTypeParser,
};

/**
 * A pool on `url`. TLS is as the URL's sslmode says (node-postgres reads it); the timeouts apply on the
 * server (statement_timeout) and on this side (query_timeout, for a server that stopped answering).
 */
export function createPool(url: string, options: PostgresOptions = {}): pg.Pool {
  const statementTimeout = options.statementTimeoutMs ?? DEFAULT_STATEMENT_TIMEOUT_MS;
  const pool = new pg.Pool({
    connectionString: url,
    max: options.poolSize ?? DEFAULT_POOL_SIZE,
    connectionTimeoutMillis: options.acquireTimeoutMs ?? DEFAULT_ACQUIRE_TIMEOUT_MS,
    statement_timeout: statementTimeout,
    query_timeout: statementTimeout + READ_TIMEOUT_MARGIN_MS,
    // A unit of work awaits nothing but its statements: an idle transaction is an instance that hung.
    idle_in_transaction_session_timeout: Math.max(5000, statementTimeout * 4),
    application_name: 'hotline',
    keepAlive: true,
    types,
  });
  // An idle connection the server dropped must not crash the process; the next request opens another.
  pool.on('error', (err) => options.onPoolError?.(err));
  return pool;
}

/** The URL with its password masked, for logs and messages. */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return 'postgres://(unparsable URL)';
  }
}
