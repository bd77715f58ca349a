import { rmSync } from 'node:fs';
import { spawn } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tempDir } from '../support/harness.js';
import { hotline, productionEnv } from './support/cli.js';
import { cleanEnv, finished, TSX } from './support/processes.js';
import { UNKNOWN_ID } from './support/fixtures.js';
import { join } from 'node:path';

// Scripts depend on exit codes: 0 done, 1 the command failed, 2 the command line is wrong.
// Each case is a process start, so the list keeps one of each kind of mistake, run one at a time.
describe('hotline errors and help', () => {
  let dir: string;
  let env: Record<string, string>;
  beforeAll(() => {
    dir = tempDir();
    env = productionEnv(dir);
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const run = (...args: string[]) => hotline(args, { cwd: dir, env });

  it('--help lists every command on stdout', async () => {
    const res = await run('--help');
    expect(res.code).toBe(0);
    for (const command of ['customers', 'token', 'authenticator', 'unlock', 'keys']) expect(res.stdout).toMatch(new RegExp(`^  ${command} `, 'm'));
  });

  it('a command\'s --help shows its options', async () => {
    const res = await run('customers', 'add', '--help');
    expect(res).toMatchObject({ code: 0, stderr: '' });
    expect(res.stdout).toContain('--name NAME --plan');
  });

  it('no command shows the menu on stderr and exits 2', async () => {
    const res = await run();
    expect(res.code).toBe(2);
    expect(res.stdout).toBe('');
    expect(res.stderr).toContain('usage: hotline <command>');
  });

  it.each([
    [['bogus'], 'hotline: unknown command "bogus" (see hotline --help)'],
    [['customers', 'add', '--nme', 'Acme'], 'hotline: unknown option "--nme" (see hotline customers add --help)'],
    [['customers', 'show'], 'hotline: missing ID (see hotline customers show --help)'],
    [['token', UNKNOWN_ID, 'extra'], 'hotline: unexpected argument "extra" (see hotline token --help)'],
    [['customers', 'list', '--limit', '0'], 'hotline: --limit must be a whole number from 1 to 500 (see hotline customers list --help)'],
  ])('%j is a usage error: one line, exit 2', async (args, line) => {
    const res = await run(...args);
    expect(res).toMatchObject({ code: 2, stdout: '', stderr: `${line}\n` });
  });

  it.each([
    [['customers', 'show', UNKNOWN_ID, '--json'], 'hotline: customer not found'],
    [['customers', 'add', '--name', 'Acme', '--plan', 'gold'], 'hotline: --plan: Invalid option: expected one of "free"|"pro"|"business"|"enterprise"'],
    [['customers', 'add', '--name', 'Acme', '--plan', 'pro', '--phone', '4155550123'], 'hotline: --phone: must be an E.164 phone number such as +14155550100'],
    [['customers', 'add', '--name', 'Acme\u001b[2J', '--plan', 'pro'], 'hotline: --name: must not contain control characters'],
    [['agents', 'add', '--name', '\u0007Ben', '--phone', '+14155550100'], 'hotline: --name: must not contain control characters'],
    [['agents', 'add', '--name', 'Ben', '--phone', '+14155550100', '--duty', 'sometimes'], "hotline: --duty: must be 'on', 'off' or 'roster'"],
  ])('%j fails: one line, exit 1', async (args, line) => {
    const res = await run(...args);
    expect(res).toMatchObject({ code: 1, stdout: '', stderr: `${line}\n` });
  });

  it('a bad configuration value fails with one line naming the variable, without echoing the secret', async () => {
    const res = await hotline(['customers', 'list'], { cwd: dir, env: { ...env, HOTLINE_SECRET_KEY: 'not-a-key-at-all' } });
    expect(res.code).toBe(1);
    expect(res.stderr).toMatch(/^hotline: configuration error: HOTLINE_SECRET_KEY: [^\n]+\n$/);
    expect(res.stderr).not.toContain('not-a-key-at-all');
  });

  it('refuses in one line to work with a key the stored secrets were not sealed with, and seals nothing with it', async () => {
    expect((await run('customers', 'add', '--name', 'Sealed Co', '--plan', 'enterprise')).code).toBe(0);
    const { HOTLINE_SECRET_KEY: _key, ...withoutKey } = env; // as with the variable misspelled: local mode
    const res = await hotline(['customers', 'add', '--name', 'Wrong Key Co', '--plan', 'enterprise'], { cwd: dir, env: withoutKey });
    expect(res.code).toBe(1);
    expect(res.stderr).toMatch(/^hotline: configuration error: the database holds customers' secrets sealed with key [0-9a-f]{12}, which neither HOTLINE_SECRET_KEY nor HOTLINE_SECRET_KEY_PREVIOUS provides \(running in local mode[^\n]*\n$/);
    const names = JSON.parse((await run('customers', 'list', '--json')).stdout).items.map((c: { name: string }) => c.name);
    expect(names).toContain('Sealed Co');
    expect(names).not.toContain('Wrong Key Co');
  });

  it('npm run hotline (tsx src/cli/main.ts) is the same program', async () => {
    const child = spawn(TSX, [join(import.meta.dirname, '..', '..', 'src', 'cli', 'main.ts'), 'customers', 'list', '--json'], { cwd: dir, env: cleanEnv(env) });
    const res = await finished(child);
    expect(res.code).toBe(0);
    expect(JSON.parse(res.stdout)).toHaveProperty('items');
  });
});
