import type pg from 'pg';
import type { Clock } from '../../domain/clock.js';
import type { Repositories, Store } from '../../domain/storage/index.js';
import { createPgAgentRepository } from './agents.js';
import { createPgApiKeyRepository } from './apiKeys.js';
import { createPgCallbackRepository } from './callbacks.js';
import { createPgCallRepository } from './calls.js';
import { createPool, type PostgresOptions } from './connection.js';
import { createPgCredentialRepository } from './credentials.js';
import { createPgCustomerRepository } from './customers.js';
import { createPgCallbackDeskRepository } from './desk.js';
import { createPgCallbackDialerRepository } from './dialer.js';
import { createPgEscalationRepository } from './escalations.js';
import { createPgFailureCountRepository } from './failureCounts.js';
import { migratePostgres } from './migrate.js';
import { createPgNumberRepository } from './numbers.js';
import { createPgQueueRepository } from './queue.js';
import { createPgSessionRepository } from './sessions.js';
import { clientSql, inTransaction, poolSql, type Sql } from './sql.js';
import { createPgVerificationRepository } from './verification.js';

export interface PostgresStoreOptions extends PostgresOptions {
  clock: Clock;
  offerHoldMs: number;
  /** Apply db/postgres's migrations first (default true). */
  migrate?: boolean;
}

export interface PostgresStore extends Store {
  /** The pool, for PostgreSQL's own tools (copy, dumps, statistics). */
  pool: pg.Pool;
}

function repositories(sql: Sql, clock: Clock, offerHoldMs: number): Repositories {
  return {
    customers: createPgCustomerRepository(sql),
    verification: createPgVerificationRepository(sql),
    agents: createPgAgentRepository(sql, clock, offerHoldMs),
    callbacks: createPgCallbackRepository(sql),
    calls: createPgCallRepository(sql),
    queue: createPgQueueRepository(sql),
    numbers: createPgNumberRepository(sql),
    credentials: createPgCredentialRepository(sql),
    sessions: createPgSessionRepository(sql),
    desk: createPgCallbackDeskRepository(sql),
    dialer: createPgCallbackDialerRepository(sql),
    escalations: createPgEscalationRepository(sql),
    apiKeys: createPgApiKeyRepository(sql),
    failureCounts: createPgFailureCountRepository(sql),
  };
}

/**
 * Why the database did not answer (for /readyz), naming it, without the URL or anything else that may
 * hold the password: PostgreSQL's SQLSTATE, the system's error code, or that it did not answer in time.
 */
function reasonOf(err: unknown): string {
  const e = err as { code?: unknown; message?: unknown };
  if (typeof e.code === 'string' && /^[0-9A-Z]{5}$/.test(e.code)) return `PostgreSQL refused the query (SQLSTATE ${e.code})`;
  if (typeof e.code === 'string' && /^E[A-Z]+$/.test(e.code)) return `PostgreSQL is unreachable (${e.code})`;
  if (typeof e.message === 'string' && /timeout/i.test(e.message)) return 'PostgreSQL did not answer in time';
  return 'PostgreSQL is unreachable';
}

/**
 * The storage port on PostgreSQL at `url`: a pool of connections, migrated at start-up under an
 * advisory lock. Each top-level method is one statement or one transaction of its own; a unit of work is
 * one pooled connection between BEGIN and COMMIT (ROLLBACK when it throws).
 */
export async function createPostgresStore(url: string, options: PostgresStoreOptions): Promise<PostgresStore> {
  const pool = createPool(url, options);
  try {
    if (options.migrate !== false) await migratePostgres(pool);
  } catch (err) {
    await pool.end();
    throw err;
  }
  const top = repositories(poolSql(pool), options.clock, options.offerHoldMs);
  let closed: Promise<void> | undefined;
  return {
    ...top,
    pool,
    unitOfWork: (work) => inTransaction(pool, (client) => work(repositories(clientSql(client), options.clock, options.offerHoldMs))),
    async readiness() {
      try {
        await pool.query('SELECT count(*) FROM schema_migrations');
        return { ok: true };
      } catch (err) {
        return { ok: false, reason: reasonOf(err) };
      }
    },
    close() {
      closed ??= Promise.resolve(pool.end());
      return closed;
    },
  };
}
