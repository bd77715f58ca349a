import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { verifyPassword } from '../../src/console/passwords.js';
import { createHotline } from '../../src/hotline.js';
import { createLogger } from '../../src/logger.js';
import { TEST_ACCOUNT_SID, TEST_ADMIN_TOKEN, TEST_AUTH_TOKEN } from '../support/harness.js';

const CLI = resolve('bin/hotline.js');

/** Runs the installed command as an operator would, with `input` on its standard input. */
function hotline(args: string[], env: Record<string, string>, input = ''): Promise<{ code: number; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, [CLI, ...args], { env: { PATH: process.env.PATH ?? '', ...env }, stdio: ['pipe', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d) => (stdout += d));
  child.stderr.on('data', (d) => (stderr += d));
  child.stdin.end(input);
  return new Promise((done) => child.on('close', (code) => done({ code: code ?? -1, stdout, stderr })));
}

describe('hotline agents: the first admin and console passwords from the command line', () => {
  let dir: string;
  let env: Record<string, string>;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'hotline-cli-'));
    env = {
      HOTLINE_DB: join(dir, 'hotline.sqlite'),
      HOTLINE_SECRET_KEY: randomBytes(32).toString('base64'),
      HOTLINE_ADMIN_TOKEN: TEST_ADMIN_TOKEN,
      TWILIO_AUTH_TOKEN: TEST_AUTH_TOKEN,
      TWILIO_ACCOUNT_SID: TEST_ACCOUNT_SID,
      LOG_LEVEL: 'silent',
    };
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('adds an admin, sets a password read from stdin (never echoed), and lists who can sign in', async () => {
    const added = await hotline(['agents', 'add', '--name', 'Ada Admin', '--phone', '+14155550100', '--languages', 'en-US,ja-JP', '--admin', '--json'], env);
    expect(added.code).toBe(0);
    const agent = JSON.parse(added.stdout);
    expect(agent).toMatchObject({ name: 'Ada Admin', isAdmin: true, languages: ['en-US', 'ja-JP'], duty: 'off' });

    const secret = 'a long console password';
    const set = await hotline(['agents', 'set-password', String(agent.agentId)], env, `${secret}\n`);
    expect(set.code).toBe(0);
    expect(set.stdout).toContain(`Password set for agent ${agent.agentId}`);
    expect(set.stdout + set.stderr).not.toContain(secret);

    const service = createHotline({ config: loadConfig(env), logger: createLogger('silent') });
    try {
      const stored = (await service.store.credentials.get(agent.agentId))!;
      expect(await verifyPassword(secret, stored)).toBe(true);
      expect(await verifyPassword('a long console passworD', stored)).toBe(false);
    } finally {
      await service.close();
    }

    const list = await hotline(['agents', 'list', '--json'], env);
    expect(JSON.parse(list.stdout).items).toEqual([expect.objectContaining({ agentId: agent.agentId, hasPassword: true, isAdmin: true })]);
  }, 60_000);

  it('refuses a short password and a bad phone, and changes nothing', async () => {
    const added = JSON.parse((await hotline(['agents', 'add', '--name', 'Ben', '--phone', '+14155550100', '--json'], env)).stdout);
    const short = await hotline(['agents', 'set-password', String(added.agentId)], env, 'short\n');
    expect(short.code).toBe(1);
    expect(short.stderr).toContain('at least 12 characters');
    const bad = await hotline(['agents', 'add', '--name', 'Cy', '--phone', '555-0100'], env);
    expect(bad).toMatchObject({ code: 1 });
    expect(bad.stderr).toContain('--phone: must be an E.164 phone number');
    const list = JSON.parse((await hotline(['agents', 'list', '--json'], env)).stdout);
    expect(list.items).toEqual([expect.objectContaining({ name: 'Ben', hasPassword: false })]);
  }, 60_000);

  it('removes an agent who left: signed out for good, no longer listed, and no password again', async () => {
    const added = JSON.parse((await hotline(['agents', 'add', '--name', 'Dee Leaver', '--phone', '+14155550100', '--duty', 'on', '--json'], env)).stdout);
    expect((await hotline(['agents', 'set-password', String(added.agentId)], env, 'a long console password\n')).code).toBe(0);

    const removed = await hotline(['agents', 'remove', String(added.agentId)], env);
    expect(removed.code).toBe(0);
    expect(removed.stdout).toContain(`Removed agent ${added.agentId} (Dee Leaver): off duty, signed out.`);
    expect(JSON.parse((await hotline(['agents', 'list', '--json'], env)).stdout).items).toEqual([]);
    const again = await hotline(['agents', 'set-password', String(added.agentId)], env, 'another long password\n');
    expect(again.code).toBe(1);
    expect(again.stderr).toContain(`agent ${added.agentId} was removed; add a new agent instead`);
    const unknown = await hotline(['agents', 'remove', '4242'], env);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain('agent 4242 not found');
  }, 60_000);
});
