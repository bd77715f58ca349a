import { rmSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, startHarness, tempDir, type Harness } from '../support/harness.js';
import { hotline, productionEnv } from './support/cli.js';

describe('hotline api-keys', () => {
  let dir: string;
  let env: Record<string, string>;
  const run = (...args: string[]) => hotline(args, { cwd: dir, env });
  beforeAll(() => {
    dir = tempDir();
    env = productionEnv(dir);
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  let dashboard: { id: number; key: string };
  it('create prints the key once, for a person or as JSON', async () => {
    const res = await run('api-keys', 'create', '--name', 'Vendor dashboard', '--scope', 'dashboard');
    expect(res).toMatchObject({ code: 0, stderr: '' });
    const key = /hl_live_[A-Za-z0-9_-]{43}/.exec(res.stdout)![0];
    expect(res.stdout).toContain('Created API key 1 (Vendor dashboard, scope dashboard).');
    expect(res.stdout).toContain('cannot be shown again');
    const json = await run('api-keys', 'create', '--name', 'Reports', '--scope', 'read', '--json');
    expect(json.json()).toEqual({ id: 2, name: 'Reports', scope: 'read', key: expect.stringMatching(/^hl_live_/), createdAt: expect.any(String) });
    dashboard = { id: 1, key };
  });

  it('refuses a missing or wrong scope, naming the flag', async () => {
    expect(await run('api-keys', 'create', '--name', 'x')).toMatchObject({ code: 2, stderr: 'hotline: missing --scope (see hotline api-keys create --help)\n' });
    expect(await run('api-keys', 'create', '--name', 'x', '--scope', 'owner')).toMatchObject({ code: 1, stderr: "hotline: --scope: must be 'admin', 'dashboard' or 'read'\n" });
    expect(await run('api-keys', 'revoke', '99')).toMatchObject({ code: 1, stderr: 'hotline: API key not found\n' });
  });

  it('a key made on the command line works on the server, and list shows its use but never the key', async () => {
    let h: Harness | undefined;
    try {
      h = await startHarness({ env: { HOTLINE_SECRET_KEY: env.HOTLINE_SECRET_KEY! }, dir });
      const acme = (await api(h, 'POST', '/api/customers', { name: 'Acme', plan: 'enterprise' })).body.customerId;
      expect((await api(h, 'GET', `/api/customers/${acme}/one-time-token`, undefined, dashboard.key)).status).toBe(200);
      expect((await api(h, 'GET', '/api/customers', undefined, dashboard.key)).status).toBe(403);
    } finally {
      // The harness removes its directory on close; the CLI's database is in it, so close without removing.
      if (h) {
        h.server.closeAllConnections();
        await new Promise<void>((resolve) => h!.server.close(() => resolve()));
        await h.hotline.close();
      }
    }
    const list = await run('api-keys', 'list', '--json');
    expect(list.json().items).toEqual([
      { id: 1, name: 'Vendor dashboard', scope: 'dashboard', prefix: dashboard.key.slice(0, 12), createdAt: expect.any(String), lastUsedAt: expect.any(String), revokedAt: null },
      expect.objectContaining({ id: 2, scope: 'read', lastUsedAt: null }),
    ]);
    expect(list.stdout).not.toContain(dashboard.key.slice(12));
    const text = await run('api-keys', 'list');
    expect(text.stdout.split('\n')[0]).toMatch(/^ID\s+SCOPE\s+PREFIX\s+LAST USED\s+REVOKED\s+NAME$/);
    expect(text.stdout).toContain(`${dashboard.key.slice(0, 12)}...`);
  });

  it('revoke marks the key revoked; list shows when', async () => {
    const res = await run('api-keys', 'revoke', '1');
    expect(res).toMatchObject({ code: 0 });
    expect(res.stdout).toMatch(/^Revoked API key 1 \(Vendor dashboard, scope dashboard\) at \d{4}-/);
    expect((await run('api-keys', 'list', '--json')).json().items[0].revokedAt).toEqual(expect.any(String));
  });
});
