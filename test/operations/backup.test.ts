import { copyFileSync, existsSync, mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Hotline } from '../../src/hotline.js';
import { hotline, productionEnv, serviceFor } from '../foundation/support/cli.js';
import { tempDir } from '../support/harness.js';

describe('hotline db backup FILE', () => {
  let dir: string;
  let env: Record<string, string>;
  let live: Hotline;
  const opened: Hotline[] = [];
  beforeEach(() => {
    dir = tempDir();
    env = productionEnv(dir);
    live = serviceFor(env); // holds the database open with commits still in the WAL, as a running server does
    opened.push(live);
  });
  afterEach(async () => {
    for (const service of opened.splice(0)) await service.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('copies the live database into one self-contained file that, restored, verifies the same customers', async () => {
    const { customerId } = await live.customers.create({ name: 'Acme', plan: 'enterprise', tier: 'premium' });
    const file = join(dir, 'backups', 'hotline-1.sqlite');

    const run = await hotline(['db', 'backup', file, '--json'], { cwd: dir, env });
    expect(run.code, run.stderr).toBe(0);
    expect(run.json()).toMatchObject({ file, rows: { customers: 1, callbacks: 0, calls: 0 } });
    expect(run.json().bytes).toBeGreaterThan(0);
    expect(existsSync(`${file}-wal`)).toBe(false);

    // Restore as docs/operations.md says: the backup becomes HOTLINE_DB of a server started with the same key.
    const restoredDir = join(dir, 'restored');
    mkdirSync(restoredDir);
    copyFileSync(file, join(restoredDir, 'hotline.sqlite'));
    const restored = serviceFor({ ...env, HOTLINE_DB: join(restoredDir, 'hotline.sqlite') });
    opened.push(restored);
    expect(await restored.customers.get(customerId)).toMatchObject({ name: 'Acme', plan: 'enterprise' });
    const code = (await live.customers.dashboardCode(customerId)).code;
    expect(await restored.verifyCaller(customerId, code, { caller: '+14155550100' })).toMatchObject({ verified: true });
  });

  it('refuses to overwrite a file, and says so in one line', async () => {
    const file = join(dir, 'taken.sqlite');
    expect((await hotline(['db', 'backup', file], { cwd: dir, env })).code).toBe(0);
    const again = await hotline(['db', 'backup', file], { cwd: dir, env });
    expect(again.code).toBe(1);
    expect(again.stderr).toBe(`hotline: ${file} already exists: choose a new file name\n`);
  });
});
