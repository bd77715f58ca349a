/**
 * The PostgreSQL of `npm run bench -- --db postgres`: a throwaway cluster (scripts/postgres.mjs) with
 * PostgreSQL's durable defaults (fsync on, synchronous_commit on: a webhook is answered once its
 * commit is on disk, as SQLite's synchronous=FULL makes it), every one of its processes pinned to the
 * server's core, a fresh database per scenario, and optionally pg_stat_statements: which statements
 * the hotline ran during a load, how often and for how long.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import pg from 'pg';
import { findPostgresBin, startPostgres } from '../scripts/postgres.mjs';
import { childPids } from './proc.js';

/** The settings that decide what a commit costs, as the server reports them. */
const REPORTED_SETTINGS = ['fsync', 'synchronous_commit', 'full_page_writes', 'wal_sync_method', 'shared_buffers', 'max_connections'] as const;

export interface BenchPostgres {
  /** postgres://postgres@127.0.0.1:PORT/postgres */
  url: string;
  /** The postmaster: the root of every PostgreSQL process of the cluster. */
  pid: number;
  version: string;
  settings: Record<string, string>;
  /** Whether pg_stat_statements is loaded (asked for, and the contrib module present). */
  statements: boolean;
  /** Why it is not, when asked for. */
  statementsMissing?: string;
  /** A fresh database; its URL. */
  createDatabase(name: string): Promise<string>;
  dropDatabase(name: string): Promise<void>;
  /** Forgets the statement and WAL statistics gathered so far (every database). */
  resetStatements(): Promise<void>;
  /** The statements run in database `name` since the last reset, the most total time first. */
  statementsIn(name: string): Promise<StatementStats[]>;
  /** Times the cluster synced its WAL to disk since the last reset (pg_stat_wal): its fsyncs. */
  walSyncs(): Promise<number>;
  /** Pins the postmaster and every process it started so far (and so every backend it starts later) to `core`. */
  pin(core: number): void;
  stop(): void;
}

export interface StatementStats {
  query: string;
  calls: number;
  totalMs: number;
  meanMs: number;
  rows: number;
}

async function withClient<T>(url: string, work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url, application_name: 'bench' });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

function databaseUrl(url: string, name: string): string {
  const u = new URL(url);
  u.pathname = `/${name}`;
  return u.toString();
}

/** Whether the contrib module is installed beside the server that runs the cluster. */
function statementsModule(): string | undefined {
  const bin = findPostgresBin();
  if (!bin) return 'PostgreSQL is not installed';
  return existsSync(join(bin, '..', 'lib', 'pg_stat_statements.so'))
    ? undefined
    : `pg_stat_statements is not installed beside ${bin} (Debian: postgresql-contrib, part of the postgresql package)`;
}

export async function startBenchPostgres(options: { statements: boolean }): Promise<BenchPostgres> {
  const missing = options.statements ? statementsModule() : undefined;
  const statements = options.statements && !missing;
  const cluster = await startPostgres({
    durable: true,
    // Said explicitly, though they are PostgreSQL's defaults: the comparison with SQLite's synchronous=FULL rests on them.
    settings: {
      fsync: 'on',
      synchronous_commit: 'on',
      full_page_writes: 'on',
      ...(statements && { shared_preload_libraries: 'pg_stat_statements', 'pg_stat_statements.max': 1000 }),
    },
  });
  try {
    const pid = Number(readFileSync(join(cluster.dir, 'data', 'postmaster.pid'), 'utf8').split('\n')[0]);
    const { version, settings } = await withClient(cluster.url, async (client) => {
      if (statements) await client.query('CREATE EXTENSION IF NOT EXISTS pg_stat_statements');
      const v = await client.query<{ server_version: string }>('SHOW server_version');
      const s = await client.query<{ name: string; setting: string; unit: string | null }>('SELECT name, setting, unit FROM pg_settings WHERE name = ANY($1)', [
        [...REPORTED_SETTINGS],
      ]);
      return {
        version: v.rows[0]!.server_version,
        settings: Object.fromEntries(s.rows.map((r) => [r.name, r.name === 'shared_buffers' ? `${(Number(r.setting) * 8) / 1024} MB` : r.setting])),
      };
    });
    return {
      url: cluster.url,
      pid,
      version,
      settings,
      statements,
      ...(missing && { statementsMissing: missing }),
      async createDatabase(name) {
        await withClient(cluster.url, (client) => client.query(`CREATE DATABASE ${name}`));
        return databaseUrl(cluster.url, name);
      },
      async dropDatabase(name) {
        await withClient(cluster.url, (client) => client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`));
      },
      async resetStatements() {
        if (!statements) return;
        await withClient(cluster.url, async (client) => {
          await client.query('SELECT pg_stat_statements_reset()');
          await client.query("SELECT pg_stat_reset_shared('wal')");
        });
      },
      async walSyncs() {
        return withClient(cluster.url, async (client) => Number((await client.query<{ wal_sync: string }>('SELECT wal_sync FROM pg_stat_wal')).rows[0]!.wal_sync));
      },
      async statementsIn(name) {
        if (!statements) return [];
        return withClient(cluster.url, async (client) => {
          const result = await client.query<{ query: string; calls: string; total_ms: number; mean_ms: number; rows: string }>(
            `SELECT s.query, s.calls, s.total_exec_time AS total_ms, s.mean_exec_time AS mean_ms, s.rows
               FROM pg_stat_statements s JOIN pg_database d ON d.oid = s.dbid
              WHERE d.datname = $1
              ORDER BY s.total_exec_time DESC`,
            [name],
          );
          return result.rows.map((r) => ({ query: r.query, calls: Number(r.calls), totalMs: r.total_ms, meanMs: r.mean_ms, rows: Number(r.rows) }));
        });
      },
      pin(core) {
        for (const p of [pid, ...childPids(pid)]) execFileSync('taskset', ['-a', '-p', '-c', String(core), String(p)], { stdio: 'ignore' });
      },
      stop: () => cluster.stop(),
    };
  } catch (err) {
    cluster.stop();
    throw err;
  }
}

/** What pg_stat_statements saw over one run of the hotline. */
export interface StatementsSummary {
  /** Webhooks answered in the run (the ramp's included: its statements are counted too). */
  webhooks: number;
  /** Statements executed per webhook, BEGIN and COMMIT included: each is a round trip from the pool. */
  perWebhook: number;
  /**
   * Time PostgreSQL spent executing them, per webhook: planning, the round trips and the commits' WAL
   * flushes not included (a COMMIT's flush happens after its statement, outside what is timed).
   */
  executionUsPerWebhook: number;
  /** Transactions committed with COMMIT (units of work) per webhook; single statements commit on their own besides. */
  commitsPerWebhook: number;
  /** WAL syncs to disk per webhook (pg_stat_wal, the whole cluster): what each answer waited on. */
  walSyncsPerWebhook: number;
  /** The statements taking the most total time, most first. */
  top: StatementStats[];
}

export function summariseStatements(statements: StatementStats[], webhooks: number, walSyncs: number, top = 15): StatementsSummary | undefined {
  if (webhooks === 0 || statements.length === 0) return undefined;
  const calls = statements.reduce((sum, s) => sum + s.calls, 0);
  const totalMs = statements.reduce((sum, s) => sum + s.totalMs, 0);
  const round = (v: number, places: number) => Math.round(v * 10 ** places) / 10 ** places;
  return {
    webhooks,
    perWebhook: round(calls / webhooks, 2),
    executionUsPerWebhook: Math.round((totalMs * 1000) / webhooks),
    commitsPerWebhook: round(statements.filter((s) => /^\s*commit\b/i.test(s.query)).reduce((sum, s) => sum + s.calls, 0) / webhooks, 2),
    walSyncsPerWebhook: round(walSyncs / webhooks, 2),
    top: statements.slice(0, top).map((s) => ({ ...s, query: s.query.replace(/\s+/g, ' ').trim(), totalMs: round(s.totalMs, 1), meanMs: round(s.meanMs, 3) })),
  };
}
