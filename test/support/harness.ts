import { randomBytes } from 'node:crypto';
import Database from 'better-sqlite3';
import pg from 'pg';
import { mkdtempSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { loadConfig, type Config } from '../../src/config.js';
import { openDatabase } from '../../src/db/database.js';
import { ManualClock } from '../../src/domain/clock.js';
import { createRequestListener } from '../../src/http/app.js';
import { createHotline, type Hotline } from '../../src/hotline.js';
import { createLogger } from '../../src/logger.js';
import { createPostgresStore } from '../../src/db/postgres/store.js';
import { AGENT_OFFER_HOLD_MS } from '../../src/domain/serviceNumbers.js';
import { createTestDatabase, type Engine } from './postgres.js';

/** The Twilio auth token every test signs with. */
export const TEST_AUTH_TOKEN = 'test-auth-token-0123456789abcdef';
export const TEST_ADMIN_TOKEN = 'test-admin-token-0123456789abcdef';
export const TEST_ACCOUNT_SID = `AC${'0'.repeat(32)}`;

/** Collects pino's JSON lines so tests can prove what was (not) logged. */
export class LogCapture extends Writable {
  readonly lines: string[] = [];
  override _write(chunk: Buffer, _enc: string, done: () => void) {
    this.lines.push(...chunk.toString('utf8').split('\n').filter(Boolean));
    done();
  }
  get text(): string {
    return this.lines.join('\n');
  }
  records(): Array<Record<string, unknown>> {
    return this.lines.map((l) => JSON.parse(l) as Record<string, unknown>);
  }
}

export interface Harness {
  /** The storage engine under this server: the SQLite file in `dir`, or a PostgreSQL database. */
  engine: Engine;
  /** PostgreSQL: the database's URL, for another instance on the same database (`startHarness({ databaseUrl })`). */
  databaseUrl?: string;
  dir: string;
  config: Config;
  clock: ManualClock;
  logs: LogCapture;
  hotline: Hotline;
  /** Base URL of the running server. */
  url: string;
  server: Server;
  close(): Promise<void>;
}

/** The databases another instance was started on (`peer`): dropped at close, never handed to another test. */
const sharedDatabases = new Set<string>();

/** A fresh temp directory with a real SQLite file and the real migrations. */
export function tempDir(): string {
  return mkdtempSync(join(tmpdir(), 'hotline-'));
}

/** Test configuration from the same loader production uses. */
export function testConfig(dir: string, env: Record<string, string> = {}): Config {
  return loadConfig(
    {
      HOTLINE_DB: join(dir, 'hotline.sqlite'),
      TWILIO_ACCOUNT_SID: TEST_ACCOUNT_SID,
      TWILIO_AUTH_TOKEN: TEST_AUTH_TOKEN,
      HOTLINE_SECRET_KEY: randomBytes(32).toString('base64'),
      HOTLINE_ADMIN_TOKEN: TEST_ADMIN_TOKEN,
      LOG_LEVEL: 'debug',
      // Nothing in a test may reach the real Twilio API: texts and calls go nowhere unless a stand-in is given.
      HOTLINE_TWILIO_API_URL: 'http://127.0.0.1:9',
      ...env,
    },
    { generateLocal: false },
  );
}

/**
 * Starts the real server on port 0 over a fresh database; PUBLIC_BASE_URL is the bound address.
 * `engine: 'postgres'` puts it on an empty PostgreSQL database of the test run's server (migrated by the
 * server's own start-up path; at close emptied for the file's next test, or dropped if another instance
 * shared it, so that nothing a closed test left running writes into the next one); `peer` starts another
 * instance on the database of a running PostgreSQL harness instead: one shared database, clock and secret
 * key, a server of its own.
 */
export async function startHarness(
  options: {
    env?: Record<string, string>;
    now?: number;
    dir?: string;
    localMode?: boolean;
    engine?: Engine;
    /** Another instance of this running harness: its PostgreSQL database, its clock and its secret key. */
    peer?: Harness;
    /** A PostgreSQL database of the test's own (another cluster than the run's): used as it is, never dropped. */
    databaseUrl?: string;
  } = {},
): Promise<Harness> {
  const dir = options.dir ?? tempDir();
  const peer = options.peer;
  if (peer && !peer.databaseUrl) throw new Error('another instance needs a PostgreSQL harness to share');
  const clock = peer?.clock ?? new ManualClock(options.now ?? Date.UTC(2026, 10, 23, 12, 0, 0));
  const logs = new LogCapture();
  const engine: Engine = peer || options.databaseUrl ? 'postgres' : (options.engine ?? 'sqlite');
  const created = engine === 'postgres' && !peer && !options.databaseUrl ? await createTestDatabase() : undefined;
  const databaseUrl = peer?.databaseUrl ?? options.databaseUrl ?? created?.url;
  if (peer) sharedDatabases.add(peer.databaseUrl!);
  let preliminary: Config;
  try {
    preliminary = testConfig(dir, {
      // Generous for a loaded test machine; tests of the timeouts themselves set their own.
      ...(databaseUrl && { HOTLINE_DATABASE_URL: databaseUrl, HOTLINE_DB_STATEMENT_TIMEOUT_MS: '10000', HOTLINE_DB_ACQUIRE_TIMEOUT_MS: '10000' }),
      ...(peer && { HOTLINE_SECRET_KEY: peer.config.secretKeys.current.toString('base64') }),
      ...options.env,
    });
  } catch (err) {
    // A configuration the server refuses: nothing started, so nothing is left behind either.
    await created?.drop();
    throw err;
  }
  const logger = createLogger('debug', logs);
  // Bind first, then build the app with the URL Twilio would use.
  const { createServer } = await import('node:http');
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const config: Config = { ...preliminary, publicBaseUrl: options.env?.PUBLIC_BASE_URL ?? url, ...(options.localMode && { localMode: true }) };
  const database = config.database;
  const storage =
    database.engine === 'postgres'
      ? {
          store: await createPostgresStore(database.url, {
            clock,
            offerHoldMs: AGENT_OFFER_HOLD_MS,
            poolSize: database.poolSize,
            statementTimeoutMs: database.statementTimeoutMs,
            acquireTimeoutMs: database.acquireTimeoutMs,
          }),
        }
      : { db: openDatabase(config.dbPath) };
  const hotline = createHotline({ config, logger, clock, ...storage });
  server.on('request', createRequestListener(hotline));
  return {
    engine,
    ...(databaseUrl && { databaseUrl }),
    dir,
    config,
    clock,
    logs,
    hotline,
    url,
    server,
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await hotline.close();
      if (created && sharedDatabases.delete(created.url)) await created.drop();
      else await created?.release();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Calls the admin API with the test admin token. */
export async function api(
  h: Harness,
  method: string,
  path: string,
  body?: unknown,
  token: string | null = TEST_ADMIN_TOKEN,
): Promise<{ status: number; body: any }> {
  const res = await fetch(`${h.url}${path}`, {
    method,
    headers: {
      ...(token !== null && { authorization: `Bearer ${token}` }),
      ...(body !== undefined && { 'content-type': 'application/json' }),
    },
    ...(body !== undefined && { body: typeof body === 'string' ? body : JSON.stringify(body) }),
  });
  const text = await res.text();
  let parsed: unknown = text;
  try {
    parsed = text ? JSON.parse(text) : undefined;
  } catch {
    /* not JSON */
  }
  return { status: res.status, body: parsed };
}

/** The sum of every series of a metric, as GET /metrics reports it now. */
export async function metricTotal(h: Harness, metric: string): Promise<number> {
  const res = await fetch(`${h.url}/metrics`, { headers: { authorization: `Bearer ${TEST_ADMIN_TOKEN}` } });
  return (await res.text())
    .split('\n')
    .filter((l) => l.startsWith(`${metric}{`) || l.startsWith(`${metric} `))
    .reduce((sum, l) => sum + Number(l.slice(l.lastIndexOf(' ') + 1)), 0);
}

/**
 * Runs one SQL statement on the harness's database over a connection of its own, as another process
 * would (the CLI, an operator, a damaged row). Write it with `?` placeholders and SQL both engines read
 * (`true`/`false` for booleans); PostgreSQL gets `$1`, `$2`, ...
 */
export async function sqlFromOutside(h: Harness, sql: string, params: unknown[] = []): Promise<void> {
  if (h.engine === 'postgres') {
    const client = new pg.Client({ connectionString: h.databaseUrl });
    await client.connect();
    try {
      let n = 0;
      await client.query(sql.replace(/\?/g, () => `$${++n}`), params);
    } finally {
      await client.end();
    }
    return;
  }
  const other = new Database(h.config.dbPath);
  try {
    other.prepare(sql).run(...params);
  } finally {
    other.close();
  }
}
