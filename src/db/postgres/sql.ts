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

/** Names of the statements prepared so far, by text: the same name on every connection of the process. */
const statementNames = new Map<string, string>();
/** Bumped when the schema changed under prepared statements: every statement is prepared again, renamed. */
let generation = 1;
/**
 * Beyond this many distinct texts a statement runs unnamed (parsed each time): the repositories' texts
 * are a fixed set, but a store must not grow every connection's prepared statements without bound.
 */
const MAX_NAMED_STATEMENTS = 1000;

/**
 * The statement as a query config: named, so that each connection parses and plans it once and then
 * only binds and executes it (a round trip's work on the server roughly halves for the short
 * statements of a webhook).
 */
function statement(text: string, values: readonly unknown[] | undefined): pg.QueryConfig {
  let name = statementNames.get(text);
  if (name === undefined && statementNames.size < MAX_NAMED_STATEMENTS) {
    name = `hotline_${generation}_${statementNames.size + 1}`;
    statementNames.set(text, name);
  }
  return name === undefined ? { text, values: values as unknown[] } : { name, text, values: values as unknown[] };
}

/**
 * A migration run by another instance changed a table's columns under a prepared `SELECT *`: PostgreSQL
 * refuses that statement from then on (0A000). This statement fails; every statement after it is
 * prepared afresh under new names, on every connection.
 */
function prepareAgainAfterSchemaChange(err: unknown): never {
  const e = err as { code?: unknown; message?: unknown };
  if (e?.code === '0A000' && typeof e.message === 'string' && e.message.includes('cached plan must not change result type')) {
    statementNames.clear();
    generation += 1;
  }
  throw err;
}

function over(q: Queryable, transaction: Sql['transaction']): Sql {
  const query = (text: string, values: readonly unknown[] | undefined) => q.query(statement(text, values)).catch(prepareAgainAfterSchemaChange);
  return {
    async rows<R>(text: string, values?: readonly unknown[]) {
      return (await query(text, values)).rows as R[];
    },
    async row<R>(text: string, values?: readonly unknown[]) {
      return (await query(text, values)).rows[0] as R | undefined;
    },
    async run(text: string, values?: readonly unknown[]) {
      return (await query(text, values)).rowCount ?? 0;
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
