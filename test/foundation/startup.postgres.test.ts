import { randomBytes } from 'node:crypto';
import { existsSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { databaseUrl } from '../storage/postgres/subject.js';
import { describePostgres, testPool } from '../support/postgres.js';
import { tempDir, TEST_ADMIN_TOKEN } from '../support/harness.js';
import { finished, ServerLog, startServer } from './support/processes.js';

const LOCAL = { PORT: '0', HOST: '127.0.0.1' };
const SECRET_KEY = Buffer.alloc(32, 7).toString('base64');
const PASSWORD = 'never-in-a-log-4f1c';

describe('npm start with HOTLINE_DATABASE_URL', () => {
  let dir: string;
  beforeEach(() => {
    dir = tempDir();
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  async function failedStart(env: Record<string, string>) {
    const result = await finished(startServer(dir, { ...LOCAL, ...env }));
    expect(result.code).toBe(1);
    const lines = result.stderr.trimEnd().split('\n');
    expect(lines).toHaveLength(1);
    return lines[0]!;
  }

  it.each([
    [{ HOTLINE_ADMIN_TOKEN: TEST_ADMIN_TOKEN }, 'HOTLINE_SECRET_KEY'],
    [{ HOTLINE_SECRET_KEY: SECRET_KEY }, 'HOTLINE_ADMIN_TOKEN'],
    [{}, 'HOTLINE_SECRET_KEY and HOTLINE_ADMIN_TOKEN'],
  ])('refuses to start on PostgreSQL without its own secrets (%j): none generates them', async (env, missing) => {
    const url = `postgres://hotline:${PASSWORD}@127.0.0.1:1/hotline`;
    const line = await failedStart({ HOTLINE_DATABASE_URL: url, ...env });
    expect(line).toBe(
      `hotline: configuration error: with HOTLINE_DATABASE_URL (PostgreSQL), ${missing} must be set: instances sharing the database share them, so none generates its own`,
    );
    expect(existsSync(join(dir, 'db'))).toBe(false);
  });

  it('refuses a URL that is not PostgreSQL\'s in one line that does not repeat it', async () => {
    const line = await failedStart({ HOTLINE_DATABASE_URL: `mysql://root:${PASSWORD}@db/hotline`, HOTLINE_SECRET_KEY: SECRET_KEY, HOTLINE_ADMIN_TOKEN: TEST_ADMIN_TOKEN });
    expect(line).toMatch(/^hotline: configuration error: HOTLINE_DATABASE_URL: must be a PostgreSQL URL/);
    expect(line).not.toContain(PASSWORD);
  });

  it('stops with one line naming HOTLINE_DATABASE_URL, password masked, when PostgreSQL does not answer', async () => {
    const line = await failedStart({
      HOTLINE_DATABASE_URL: `postgres://hotline:${PASSWORD}@127.0.0.1:1/hotline`,
      HOTLINE_SECRET_KEY: SECRET_KEY,
      HOTLINE_ADMIN_TOKEN: TEST_ADMIN_TOKEN,
    });
    expect(line).toMatch(/^hotline: cannot open the PostgreSQL database postgres:\/\/hotline:\*\*\*@127\.0\.0\.1:1\/hotline \(HOTLINE_DATABASE_URL\): /);
    expect(line).not.toContain(PASSWORD);
  });
});

describePostgres('npm start on PostgreSQL', (serverUrl) => {
  const admin = testPool(serverUrl);
  const database = `hotline_start_${randomBytes(4).toString('hex')}`;
  let dir: string;
  beforeEach(() => {
    dir = tempDir();
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));
  afterAll(async () => {
    await admin.query(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`);
    await admin.end();
  });

  it('two instances starting together on one empty database migrate it once and share it; no SQLite file, no password in the logs', async () => {
    await admin.query(`CREATE DATABASE ${database}`);
    // Trust authentication takes any password: it is there to be looked for in the output.
    const url = new URL(databaseUrl(serverUrl, database));
    url.password = PASSWORD;
    const env = { ...LOCAL, HOTLINE_DATABASE_URL: url.toString(), HOTLINE_SECRET_KEY: SECRET_KEY, HOTLINE_ADMIN_TOKEN: TEST_ADMIN_TOKEN };
    const children = [startServer(dir, env), startServer(dir, env)];
    const outputs = children.map((child) => finished(child));
    const logs = children.map((child) => new ServerLog(child));
    try {
      const [a, b] = await Promise.all(logs.map(async (log) => `http://127.0.0.1:${(await log.waitFor(/^hotline listening$/)).port}`));
      const auth = { authorization: `Bearer ${TEST_ADMIN_TOKEN}`, 'content-type': 'application/json' };
      const created = await fetch(`${a}/api/customers`, { method: 'POST', headers: auth, body: JSON.stringify({ name: 'Acme', plan: 'enterprise' }) });
      expect(created.status).toBe(201);
      const { customerId } = (await created.json()) as { customerId: string };
      const seen = await fetch(`${b}/api/customers/${customerId}`, { headers: auth });
      expect(seen.status).toBe(200);
      expect(await seen.json()).toMatchObject({ customerId, name: 'Acme' });
      expect((await fetch(`${b}/readyz`)).status).toBe(200);
    } finally {
      for (const child of children) child.kill('SIGTERM');
    }
    const done = await Promise.all(outputs);
    expect(done.map((d) => d.code)).toEqual([0, 0]);
    const db = testPool(databaseUrl(serverUrl, database));
    try {
      const applied = await db.query<{ name: string }>('SELECT name FROM schema_migrations ORDER BY name');
      // Each migration in db/postgres applied exactly once, in order.
      const migrations = readdirSync(join(import.meta.dirname, '..', '..', 'db', 'postgres')).filter((f) => f.endsWith('.sql')).sort();
      expect(migrations.length).toBeGreaterThan(1);
      expect(applied.rows.map((r) => r.name)).toEqual(migrations);
    } finally {
      await db.end();
    }
    expect(existsSync(join(dir, 'db', 'hotline.sqlite'))).toBe(false);
    for (const d of done) expect(d.stdout + d.stderr).not.toContain(PASSWORD);
  });
});
