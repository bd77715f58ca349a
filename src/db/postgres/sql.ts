import type pg from 'pg';

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
 * Runs `work` on one pooled client between BEGIN and COMMIT; ROLLBACK when it throws. A client whose
 * BEGIN, ROLLBACK or COMMIT failed is destroyed rather than given back to the pool: its connection may
 * be broken or in a transaction of unknown state.
 */
export async function inTransaction<T>(pool: pg.Pool, work: (client: pg.PoolClient) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
  } catch (err) {
    client.release(err as Error);
    throw err;
  }
  let result: T;
  try {
    result = await work(client);
  } catch (err) {
    try {
      await client.query('ROLLBACK');
    } catch (rollbackFailed) {
      client.release(rollbackFailed as Error);
      throw err;
    }
    client.release();
    throw err;
  }
  try {
    await client.query('COMMIT');
  } catch (err) {
    client.release(err as Error);
    throw err;
  }
  client.release();
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
