import type pg from 'pg';
import { UnitOfWorkRolledBack } from '../../domain/storage/index.js';

/** What a repository runs its statements through: the pool at top level, one client in a unit of work. */
export interface Sql {
  /** The rows a statement returns. */
  rows<R>(text: string, values?: readonly unknown[]): Promise<R[]>;
  /** The first row, or undefined. */
  row<R>(text: string, values?: readonly unknown[]): Promise<R | undefined>;
  /** How many rows a statement changed. */
  run(text: string, values?: readonly unknown[]): Promise<number>;
  /**
   * Runs `work` in one transaction: a transaction of its own at top level, the unit's inside a unit of
   * work (which commits or undoes it as a whole).
   */
  transaction<T>(work: (sql: Sql) => Promise<T>): Promise<T>;
}

type Queryable = Pick<pg.Pool, 'query'> | Pick<pg.PoolClient, 'query'>;

function over(q: Queryable, transaction: Sql['transaction']): Sql {
  return {
    async rows<R>(text: string, values?: readonly unknown[]) {
      return (await q.query(text, values as unknown[])).rows as R[];
    },
    async row<R>(text: string, values?: readonly unknown[]) {
      return (await q.query(text, values as unknown[])).rows[0] as R | undefined;
    },
    async run(text: string, values?: readonly unknown[]) {
      return (await q.query(text, values as unknown[])).rowCount ?? 0;
    },
    transaction,
  };
}

/**
 * Whether an error means the connection itself is unusable: the server closed it or stopped answering
 * (node-postgres's client-side query timeout), rather than a statement PostgreSQL refused, which
 * carries a SQLSTATE code.
 */
function connectionLost(err: unknown): boolean {
  const e = err as { code?: unknown; message?: unknown };
  return typeof e?.code !== 'string' && typeof e?.message === 'string' && /^(Query read timeout|Connection terminated|Client has encountered a connection error)/.test(e.message);
}

/**
 * Runs `work` on one pooled client between BEGIN and COMMIT; ROLLBACK when it throws. A client whose
 * BEGIN, ROLLBACK or COMMIT failed is destroyed rather than given back to the pool: its connection may
 * be broken or in a transaction of unknown state. A connection that broke or stopped answering is
 * destroyed at once, with no ROLLBACK to wait for: the server undoes a transaction whose connection
 * closed. While the client is out of the pool its 'error' events (the server went away between two
 * statements) are this function's to handle: unheard, they would end the process.
 */
export async function inTransaction<T>(pool: pg.Pool, work: (client: pg.PoolClient) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  let lost: Error | undefined;
  const onError = (err: Error) => {
    lost ??= err;
  };
  client.on('error', onError);
  const release = (err?: Error) => {
    client.removeListener('error', onError);
    client.release(err ?? lost);
  };
  try {
    await client.query('BEGIN');
  } catch (err) {
    release(err as Error);
    throw err;
  }
  let result: T;
  try {
    result = await work(client);
  } catch (err) {
    if (lost || connectionLost(err)) {
      release((lost ?? err) as Error);
      throw err;
    }
    try {
      await client.query('ROLLBACK');
    } catch (rollbackFailed) {
      release(rollbackFailed as Error);
      throw err;
    }
    release();
    throw err;
  }
  let committed: pg.QueryResult;
  try {
    committed = await client.query('COMMIT');
  } catch (err) {
    release(err as Error);
    throw err;
  }
  release();
  // PostgreSQL answers COMMIT of a transaction in which a statement failed (and `work` caught the
  // error) with ROLLBACK, and no error: every write of the unit is lost. Said, never silent.
  if (committed.command === 'ROLLBACK') throw new UnitOfWorkRolledBack();
  return result;
}

/** The pool as a Sql: each statement commits on its own; `transaction` takes a client of its own. */
export function poolSql(pool: pg.Pool): Sql {
  return over(pool, (work) => inTransaction(pool, (client) => work(clientSql(client))));
}

/** One client inside a transaction someone else opened: `transaction` runs on in it. */
export function clientSql(client: pg.PoolClient): Sql {
  const sql: Sql = over(client, (work) => work(sql));
  return sql;
}
