import Database from 'better-sqlite3';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { generateSync } from 'otplib';
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { api, startHarness, tempDir, type Harness } from '../support/harness.js';
import { dashboardCode, placeCall } from '../support/calls.js';
import { createTestDatabase, describePostgres, testPool } from '../support/postgres.js';
import { addAgent, addCustomer, playRound, startDialerHarness } from '../dialer/support.js';
import { hotline, productionEnv, serviceFor } from '../foundation/support/cli.js';
import { copySqliteToPostgres } from '../../src/db/copyToPostgres.js';
import { migratePostgres } from '../../src/db/postgres/migrate.js';

// Every CLI run is a process start (about 1.5 s of CPU under tsx); the budget allows for a loaded machine.
const BUDGET = 120_000;
const PASSWORD = 'never-printed-7c2e';
const sha256 = (file: string) => createHash('sha256').update(readFileSync(file)).digest('hex');

/** Rows per table, counted here rather than trusted from the command's own report. */
function sqliteCounts(file: string): Record<string, number> {
  const db = new Database(file, { readonly: true, fileMustExist: true });
  try {
    const tables = db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'").pluck().all() as string[];
    return Object.fromEntries(tables.map((t) => [t, db.prepare(`SELECT count(*) FROM "${t}"`).pluck().get() as number]));
  } finally {
    db.close();
  }
}

/** A suite that needs the test run's PostgreSQL (skipped, and said so, without it). */
const onPostgres = (name: string, suite: () => void) => describePostgres(name, () => describe(name, suite));

async function postgresCounts(url: string): Promise<Record<string, number>> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const tables = await client.query<{ table_name: string }>(
      "SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema() AND table_type = 'BASE TABLE'",
    );
    const counts: Record<string, number> = {};
    for (const { table_name } of tables.rows) {
      counts[table_name] = (await client.query<{ n: number }>(`SELECT count(*)::int AS n FROM "${table_name}"`)).rows[0]!.n;
    }
    return counts;
  } finally {
    await client.end();
  }
}

onPostgres('hotline db copy: from the SQLite file into an empty PostgreSQL database', () => {
  it('copies a populated line; a server on the copy verifies a call with the current code; a second copy is refused; the source is untouched', async () => {
    // The line as it ran on SQLite: the real server, its dialer against the Twilio stand-in, and the CLI.
    const d = await startDialerHarness({ env: { HOTLINE_ESCALATION_NUMBERS: '+14155550901' } });
    const { h } = d;
    const dir = h.dir;
    const sqliteFile = join(dir, 'hotline.sqlite');
    const secretKey = h.config.secretKeys.current.toString('base64');
    const cliEnv = { ...productionEnv(dir, secretKey), LOG_LEVEL: 'silent' };
    const run = (args: string[], env: Record<string, string> = cliEnv) => hotline(args, { cwd: dir, env });
    const target = await createTestDatabase();
    let copy: Harness | undefined;
    try {
      const { customerId } = await addCustomer(h, { name: 'Acme Robotics', tier: 'premium' });
      const enrolled = await api(h, 'POST', `/api/customers/${customerId}/authenticator`);
      const appCode = (atMs: number) => generateSync({ secret: enrolled.body.secret as string, epoch: Math.floor(atMs / 1000) });
      expect((await api(h, 'POST', `/api/customers/${customerId}/authenticator/confirm`, { code: appCode(h.clock.now() - 30_000) })).status).toBe(200);

      // Nobody on duty: a P1 callback, its confirmation text and the escalation.
      const unanswered = await placeCall(h, [`${customerId}#`, await dashboardCode(h, customerId), '1']);
      await h.hotline.callbackDialing.escalations.idle();
      await h.hotline.callbackDialing.confirmations.idle();
      const callback = (await h.hotline.store.callbacks.byCallSid(unanswered.callSid))!;
      expect(callback).toMatchObject({ priority: 'P1' });

      const ann = await addAgent(h, { name: 'Ann' });
      h.clock.advance(60_000);
      const answered = await placeCall(h, [`${customerId}#`, appCode(h.clock.now()), '1', 'agent:accept']);
      expect(answered.said()).toContain('You are verified.');
      // The dialer's round on the callback: legs and their status events.
      h.clock.advance(10 * 60_000);
      await playRound(d, 'no-answer');

      const rostered = await addAgent(h, { name: 'Ben' });
      expect((await run(['agents', 'roster', String(rostered.agentId), '--time-zone', 'Asia/Tokyo', '--rule', 'mon-fri 09:00-17:30'])).code).toBe(0);
      expect((await run(['numbers', 'set', '+81312345678', '--language', 'ja-JP'])).code).toBe(0);
      expect((await run(['callbacks', 'claim', String(callback.callbackId), '--agent', String(ann.agentId)])).code).toBe(0);
      const made = await run(['api-keys', 'create', '--name', 'Status page', '--scope', 'read', '--json']);
      expect(made.code).toBe(0);
      expect((await api(h, 'GET', '/api/callbacks', undefined, made.json().key)).status).toBe(200);

      const callbackBefore = (await run(['callbacks', 'show', String(callback.callbackId), '--json'])).json();
      const callBefore = (await run(['calls', 'show', answered.callSid, '--json'])).json();
      const copiedAt = h.clock.now();
      // Stopped, as the move says: the copy then holds everything.
      await d.worker.stop();
      await h.hotline.callbackDialing.confirmations.idle();
      await h.hotline.callbackDialing.escalations.idle();
      h.server.closeAllConnections();
      await new Promise<void>((resolve) => h.server.close(() => resolve()));
      await h.hotline.close();
      await d.twilio.close();

      const source = sqliteCounts(sqliteFile);
      for (const table of ['customers', 'agents', 'calls', 'callbacks', 'callback_legs', 'callback_status_events', 'callback_notes', 'callback_escalations', 'verification_audit', 'phone_numbers', 'api_keys', 'api_key_uses']) {
        expect(source[table], `${table} has rows to copy`).toBeGreaterThan(0);
      }
      expect(source.otp_secrets, 'the dashboard secret and the authenticator').toBe(2);
      const hash = sha256(sqliteFile);

      // Only HOTLINE_DB is needed to read the source; the password in --to is never printed.
      const url = new URL(target.url);
      url.password = PASSWORD;
      const copied = await run(['db', 'copy', '--to', url.toString(), '--json'], { HOTLINE_DB: sqliteFile, LOG_LEVEL: 'silent' });
      expect(copied).toMatchObject({ code: 0, stderr: '' });
      expect(copied.stdout).not.toContain(PASSWORD);
      const report = copied.json();
      expect(report.secrets).toMatch(/same HOTLINE_SECRET_KEY/);
      expect(report.notCopied.map((n: { table: string }) => n.table).sort()).toEqual(['agents_version', 'schema_migrations']);
      const afterCopy = await postgresCounts(target.url);
      const expected = Object.entries(source)
        .filter(([table]) => table !== 'schema_migrations' && table !== 'agents_version')
        .map(([table, rows]) => ({ table, sqlite: rows, postgres: rows }));
      expect(report.tables.filter((t: { sqlite: number | null }) => t.sqlite !== null)).toEqual(expect.arrayContaining(expected));
      expect(report.tables.filter((t: { sqlite: number | null }) => t.sqlite !== null)).toHaveLength(expected.length);
      for (const { table, postgres } of report.tables) expect(afterCopy[table], table).toBe(postgres);
      expect(sha256(sqliteFile), 'the SQLite file is unchanged').toBe(hash);

      // The same history, read by the CLI on PostgreSQL.
      const pgEnv = { ...cliEnv, HOTLINE_DATABASE_URL: target.url };
      expect((await run(['callbacks', 'show', String(callback.callbackId), '--json'], pgEnv)).json()).toEqual(callbackBefore);
      expect((await run(['calls', 'show', answered.callSid, '--json'], pgEnv)).json()).toEqual(callBefore);

      // A server on the copy, with the same secret key, two minutes on: the customer's current code verifies.
      copy = await startHarness({
        now: copiedAt + 2 * 60_000,
        env: { HOTLINE_DATABASE_URL: target.url, HOTLINE_SECRET_KEY: secretKey, HOTLINE_DB_STATEMENT_TIMEOUT_MS: '10000', HOTLINE_DB_ACQUIRE_TIMEOUT_MS: '10000' },
      });
      const verified = await placeCall(copy, [`${customerId}#`, await dashboardCode(copy, customerId), '1', 'agent:accept']);
      expect(verified.said()).toContain('You are verified.');
      expect(verified.said()).toContain('Connecting you to an engineer.');
      // The authenticator came along too, and new ids follow the copied ones.
      copy.clock.advance(30_000);
      const byApp = await placeCall(copy, [`${customerId}#`, appCode(copy.clock.now()), '2', '']);
      expect(byApp.said()).toContain('You are verified.');
      const added = await api(copy, 'POST', '/api/agents', { name: 'Cleo', phone: '+14155550177', onDuty: false });
      expect(added).toMatchObject({ status: 201, body: { agentId: Math.max(ann.agentId, rostered.agentId) + 1 } });
      const secondKey = await api(copy, 'POST', '/api/api-keys', { name: 'Another', scope: 'read' });
      expect(secondKey.status).toBe(201);
      await copy.close();
      copy = undefined;

      // A second copy into the now used database: one line, exit 1, nothing changed on either side.
      const before = await postgresCounts(target.url);
      const again = await run(['db', 'copy', '--to', url.toString()], { HOTLINE_DB: sqliteFile, LOG_LEVEL: 'silent' });
      expect(again).toMatchObject({ code: 1, stdout: '' });
      expect(again.stderr).toMatch(/^hotline: postgres:\/\/postgres:\*\*\*@[^ ]+ is not empty: .+ hold rows; db copy fills only an empty database; nothing was written\n$/);
      expect(await postgresCounts(target.url)).toEqual(before);
      expect(sha256(sqliteFile)).toBe(hash);
    } finally {
      await copy?.close();
      await target.drop();
      rmSync(dir, { recursive: true, force: true });
    }
  }, BUDGET);
});

onPostgres('db copy checks both schemas and copies all or nothing', () => {
  async function sourceWith(change: (db: Database.Database) => void) {
    const dir = tempDir();
    const file = join(dir, 'hotline.sqlite');
    const service = serviceFor({ ...productionEnv(dir), LOG_LEVEL: 'silent' });
    await service.customers.create({ name: 'Acme', plan: 'enterprise', tier: 'premium' });
    await service.close();
    const db = new Database(file);
    change(db);
    db.close();
    return { dir, file };
  }

  it('a column SQLite has and PostgreSQL does not is named, and no row is copied', async () => {
    const { dir, file } = await sourceWith((db) => db.exec('ALTER TABLE customers ADD COLUMN nickname TEXT'));
    const target = await createTestDatabase();
    try {
      await expect(copySqliteToPostgres(file, target.url)).rejects.toThrow(
        /^cannot copy into postgres:\/\/[^ ]+: customers\.nickname has no PostgreSQL column; it was migrated and left empty$/,
      );
      const { schema_migrations: migrations, ...tables } = await postgresCounts(target.url);
      expect(migrations).toBeGreaterThan(0);
      expect(Object.entries(tables).filter(([, rows]) => rows > 0)).toEqual([]);
    } finally {
      await target.drop();
      rmSync(dir, { recursive: true, force: true });
    }
  }, BUDGET);

  it('a PostgreSQL column that must be filled and that SQLite lacks is named too', async () => {
    const { dir, file } = await sourceWith(() => {});
    const target = await createTestDatabase();
    try {
      // Migrated as a later version would leave it: one more column, required.
      const pool = testPool(target.url);
      await migratePostgres(pool);
      await pool.query('ALTER TABLE agents ADD COLUMN team TEXT NOT NULL');
      await pool.end();
      await expect(copySqliteToPostgres(file, target.url)).rejects.toThrow(/: agents\.team must be filled in PostgreSQL but SQLite has no such column;/);
    } finally {
      await target.drop();
      rmSync(dir, { recursive: true, force: true });
    }
  }, BUDGET);

  it('a row PostgreSQL refuses part-way rolls the whole copy back', async () => {
    const { dir, file } = await sourceWith((db) =>
      db.prepare("INSERT INTO verification_audit (at, customer_id, result, reason) VALUES (1, '4242424242', 'refused', 'bad-code')").run(),
    );
    const target = await createTestDatabase();
    try {
      const pool = testPool(target.url);
      await migratePostgres(pool);
      // Copied after customers (alphabetically and by foreign keys): customers are in by then.
      await pool.query("ALTER TABLE verification_audit ADD CONSTRAINT no_refusals CHECK (result <> 'refused')");
      await pool.end();
      await expect(copySqliteToPostgres(file, target.url)).rejects.toThrow(/failed \(PostgreSQL error 23514\): .*no_refusals.*; nothing was written$/);
      const counts = await postgresCounts(target.url);
      expect(counts.customers).toBe(0);
      expect(counts.otp_secrets).toBe(0);
    } finally {
      await target.drop();
      rmSync(dir, { recursive: true, force: true });
    }
  }, BUDGET);
});

onPostgres('the CLI with HOTLINE_DATABASE_URL', () => {
  it('works on PostgreSQL, says db backup is for the SQLite file, and names an unreachable database in one line without its password', async () => {
    const dir = tempDir();
    const target = await createTestDatabase();
    try {
      const url = new URL(target.url);
      url.password = PASSWORD;
      const env = { ...productionEnv(dir), LOG_LEVEL: 'silent', HOTLINE_DATABASE_URL: url.toString() };
      const run = (args: string[], extra: Record<string, string> = {}) => hotline(args, { cwd: dir, env: { ...env, ...extra } });

      const added = await run(['customers', 'add', '--name', 'Acme', '--plan', 'enterprise', '--json']);
      expect(added).toMatchObject({ code: 0, stderr: '' });
      const { customerId } = added.json();
      const token = await run(['token', customerId, '--json']);
      expect(token.json()).toMatchObject({ customerId, code: expect.stringMatching(/^\d{6}$/) });
      // On PostgreSQL, not in a SQLite file beside it.
      expect((await postgresCounts(target.url)).customers).toBe(1);
      expect(existsSync(join(dir, 'hotline.sqlite'))).toBe(false);

      const backup = await run(['db', 'backup', join(dir, 'copy.sqlite')]);
      expect(backup).toMatchObject({
        code: 1,
        stdout: '',
        stderr: 'hotline: db backup copies the SQLite file (HOTLINE_DB); with HOTLINE_DATABASE_URL set, back up PostgreSQL with pg_dump (docs/operations.md, "PostgreSQL")\n',
      });

      const gone = await run(['customers', 'list'], { HOTLINE_DATABASE_URL: `postgres://hotline:${PASSWORD}@127.0.0.1:1/hotline` });
      expect(gone).toMatchObject({ code: 1, stdout: '' });
      expect(gone.stderr).toMatch(/^hotline: cannot open the PostgreSQL database postgres:\/\/hotline:\*\*\*@127\.0\.0\.1:1\/hotline \(HOTLINE_DATABASE_URL\): \S.*\n$/);
      expect(gone.stderr).not.toContain(PASSWORD);
    } finally {
      await target.drop();
      rmSync(dir, { recursive: true, force: true });
    }
  }, BUDGET);
});

describe('hotline db copy refusals that need no PostgreSQL', () => {
  it('a URL that is not PostgreSQL\'s and a missing SQLite file are one line each', async () => {
    const dir = tempDir();
    try {
      const env = { HOTLINE_DB: join(dir, 'none.sqlite'), LOG_LEVEL: 'silent' };
      const run = (args: string[]) => hotline(args, { cwd: dir, env });
      const mysql = await run(['db', 'copy', '--to', `mysql://root:${PASSWORD}@db/hotline`]);
      expect(mysql).toMatchObject({ code: 2, stderr: 'hotline: --to must be a PostgreSQL URL such as postgres://user:password@host:5432/hotline (see hotline db copy --help)\n' });
      const missing = await run(['db', 'copy', '--to', `postgres://hotline:${PASSWORD}@127.0.0.1:1/hotline`]);
      expect(missing.code).toBe(1);
      expect(missing.stderr).toMatch(new RegExp(`^hotline: cannot open the SQLite database ${join(dir, 'none.sqlite')} \\(HOTLINE_DB\\): .+\\n$`));
      expect(missing.stderr).not.toContain(PASSWORD);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, BUDGET);
});
