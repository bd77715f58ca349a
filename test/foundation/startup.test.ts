import { mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { tempDir, TEST_ADMIN_TOKEN } from '../support/harness.js';
import { spawn } from 'node:child_process';
import { cleanEnv, finished, ServerLog, startServer, TSX } from './support/processes.js';

const ROOT_DIR = join(import.meta.dirname, '..', '..');

// Port 0 and loopback so the test never collides with a server already running on 3000;
// nothing else is set unless a test says so.
const LOCAL = { PORT: '0', HOST: '127.0.0.1' };

describe('npm start', () => {
  let dir: string;
  beforeEach(() => {
    dir = tempDir();
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it.each([
    ['PORT', 'abc', 'abc'],
    ['HOTLINE_SECRET_KEY', 'short', null],
    ['PUBLIC_BASE_URL', 'hotline.example.com', 'hotline.example.com'],
  ])('stops with exit code 1 and one line naming %s when it is %j', async (name, value, echoed) => {
    const result = await finished(startServer(dir, { ...LOCAL, [name]: value }));
    expect(result.code).toBe(1);
    expect(result.stdout).toBe('');
    const lines = result.stderr.trimEnd().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(new RegExp(`^hotline: configuration error: ${name}: `));
    if (echoed) expect(lines[0]).toContain(echoed);
    else expect(lines[0]).not.toContain(value);
  });

  /** Runs the server until it gives up; its stderr must be exactly one line. */
  async function failedStart(env: Record<string, string>) {
    const result = await finished(startServer(dir, { ...LOCAL, ...env }));
    expect(result.code).toBe(1);
    const lines = result.stderr.trimEnd().split('\n');
    expect(lines).toHaveLength(1);
    return lines[0]!;
  }

  it('stops with one line naming PORT when the port is in use', async () => {
    const other = createServer();
    await new Promise<void>((resolve) => other.listen(0, '127.0.0.1', resolve));
    const port = (other.address() as AddressInfo).port;
    try {
      expect(await failedStart({ PORT: String(port) })).toBe(`hotline: cannot listen on 127.0.0.1:${port}: port ${port} is already in use by another process (PORT)`);
    } finally {
      other.close();
    }
  });

  it('stops with one line naming HOST when it does not resolve', async () => {
    expect(await failedStart({ HOST: 'no-such-host.invalid' })).toBe('hotline: cannot listen on no-such-host.invalid: the name does not resolve to an address (HOST)');
  });

  it.each([
    ['a directory', (file: string) => mkdirSync(file), 'it is a directory'],
    ['not a SQLite file', (file: string) => writeFileSync(file, 'not a database, just text\n'.repeat(100)), 'file is not a database'],
  ])('stops with one line naming HOTLINE_DB when it is %s', async (_what, make, reason) => {
    const file = join(dir, 'hotline.sqlite');
    make(file);
    expect(await failedStart({ HOTLINE_DB: file })).toBe(`hotline: cannot open the database ${file} (HOTLINE_DB): ${reason}`);
  });

  it('the standalone dialer worker (npm run worker) also stops with one line when HOTLINE_DB is a directory', async () => {
    const file = join(dir, 'hotline.sqlite');
    mkdirSync(file);
    const child = spawn(TSX, [join(ROOT_DIR, 'src', 'dialer', 'main.ts')], { cwd: dir, env: cleanEnv({ ...LOCAL, HOTLINE_DB: file }), stdio: ['ignore', 'pipe', 'pipe'] });
    const result = await finished(child);
    expect(result.code).toBe(1);
    expect(result.stderr).toBe(`hotline worker: cannot open the database ${file} (HOTLINE_DB): it is a directory\n`);
  });

  it('stops with one line naming the local secrets file when its key is damaged, without showing the key', async () => {
    const file = join(dir, 'hotline.local.json');
    const damaged = Buffer.alloc(20, 9).toString('base64'); // 20 bytes, not 32
    writeFileSync(file, JSON.stringify({ secretKey: damaged }), { mode: 0o600 });
    const line = await failedStart({ HOTLINE_DB: join(dir, 'hotline.sqlite') });
    expect(line).toBe(
      `hotline: configuration error: local secrets file ${file}: secretKey must be 32 bytes encoded as base64 (openssl rand -base64 32); fix it, or restore the file from a backup`,
    );
    expect(line).not.toContain(damaged);
  });

  /** Starts the server, waits until it listens, and returns what it logged and its URL. */
  async function start(env: Record<string, string>) {
    const child = startServer(dir, { ...LOCAL, ...env });
    const exited = finished(child);
    const log = new ServerLog(child);
    const listening = await log.waitFor(/^hotline listening$/);
    return {
      log,
      url: `http://127.0.0.1:${listening.port}`,
      async stop() {
        child.kill('SIGTERM');
        expect((await exited).code).toBe(0);
      },
    };
  }
  const listCustomers = (url: string, token: string) => fetch(`${url}/api/customers`, { headers: { authorization: `Bearer ${token}` } });

  it('with no secrets set, runs in local mode with generated secrets in a 0600 file it names, reused on the next start', async () => {
    const first = await start({});
    const file = join(dir, 'db', 'hotline.local.json');
    const warning = await first.log.waitFor(/local mode: generated secrets are kept in/);
    expect(warning).toMatchObject({ level: 40, secretsFile: file });
    expect(warning.msg).toContain(file);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    const secrets = JSON.parse(readFileSync(file, 'utf8'));
    expect(Object.keys(secrets).sort()).toEqual(['adminToken', 'secretKey', 'twilioAccountSid', 'twilioAuthToken']);
    expect((await listCustomers(first.url, secrets.adminToken)).status).toBe(200);
    await first.stop();

    const second = await start({});
    expect(readFileSync(file, 'utf8')).toBe(JSON.stringify(secrets, null, 2) + '\n');
    expect((await listCustomers(second.url, secrets.adminToken)).status).toBe(200);
    await second.stop();
  });

  it('stops with one line when the customers\' secrets are sealed with a key it was not given, as when HOTLINE_SECRET_KEY is misspelled', async () => {
    const key = Buffer.alloc(32, 0x42).toString('base64');
    const first = await start({ HOTLINE_SECRET_KEY: key, HOTLINE_ADMIN_TOKEN: TEST_ADMIN_TOKEN });
    const created = await fetch(`${first.url}/api/customers`, {
      method: 'POST',
      headers: { authorization: `Bearer ${TEST_ADMIN_TOKEN}`, 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'Acme', plan: 'enterprise', tier: 'premium' }),
    });
    expect(created.status).toBe(201);
    await first.stop();

    const line = await failedStart({ HOTLINE_SECRETKEY: key, HOTLINE_ADMIN_TOKEN: TEST_ADMIN_TOKEN });
    expect(line).toMatch(
      /^hotline: configuration error: the database holds customers' secrets sealed with key [0-9a-f]{12}, which neither HOTLINE_SECRET_KEY nor HOTLINE_SECRET_KEY_PREVIOUS provides \(running in local mode: a production variable is unset or misspelled\); set the key they were sealed with$/,
    );
    expect(line).not.toContain(key);

    const again = await start({ HOTLINE_SECRET_KEY: key, HOTLINE_ADMIN_TOKEN: TEST_ADMIN_TOKEN });
    expect((await listCustomers(again.url, TEST_ADMIN_TOKEN)).status).toBe(200);
    await again.stop();
  });

  it('does not generate a secret whose variable is set', async () => {
    const server = await start({ HOTLINE_ADMIN_TOKEN: TEST_ADMIN_TOKEN });
    const secrets = JSON.parse(readFileSync(join(dir, 'db', 'hotline.local.json'), 'utf8'));
    expect(secrets.adminToken).toBeUndefined();
    expect((await listCustomers(server.url, TEST_ADMIN_TOKEN)).status).toBe(200);
    await server.stop();
  });
});
