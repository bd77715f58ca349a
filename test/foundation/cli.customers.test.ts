import { rmSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tempDir } from '../support/harness.js';
import { hotline, productionEnv } from './support/cli.js';

describe('hotline customers', () => {
  let dir: string;
  let env: Record<string, string>;
  const run = (...args: string[]) => hotline(args, { cwd: dir, env });
  beforeAll(() => {
    dir = tempDir();
    env = productionEnv(dir);
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  let acme: string;
  it('add --json prints the new customer with a generated ID', async () => {
    const res = await run('customers', 'add', '--name', 'Acme Corp', '--plan', 'enterprise', '--tier', 'premium', '--phone', '+14155550123', '--json');
    expect(res).toMatchObject({ code: 0, stderr: '' });
    const customer = res.json();
    expect(customer).toMatchObject({ name: 'Acme Corp', plan: 'enterprise', tier: 'premium', phone: '+14155550123', status: 'active' });
    expect(customer.customerId).toMatch(/^[1-9][0-9]{9}$/);
    acme = customer.customerId;
  });

  it('add takes a given --id, and show --json prints it', async () => {
    expect((await run('customers', 'add', '--name', 'Beta', '--plan', 'pro', '--id', '79927398713', '--json')).json()).toMatchObject({
      customerId: '79927398713',
      tier: null,
    });
    const shown = await run('customers', 'show', '79927398713', '--json');
    expect(shown.json()).toMatchObject({ customerId: '79927398713', name: 'Beta', plan: 'pro' });
  });

  it('list pages with --limit and --after, and says where the next page starts', async () => {
    const all = (await run('customers', 'list', '--json')).json();
    expect(all).toEqual({ items: expect.any(Array), next: null });
    expect(all.items.map((c: { customerId: string }) => c.customerId)).toEqual([acme, '79927398713'].sort());
    const first = (await run('customers', 'list', '--limit', '1', '--json')).json();
    expect(first).toMatchObject({ items: [all.items[0]], next: all.items[0].customerId });
    const second = (await run('customers', 'list', '--limit', '1', '--after', first.next, '--json')).json();
    expect(second.items).toEqual([all.items[1]]);
  });

  it('update --json changes status, plan and phone; an empty --phone removes it', async () => {
    const res = await run('customers', 'update', acme, '--status', 'suspended', '--plan', 'business', '--phone', '', '--json');
    expect(res.code).toBe(0);
    expect(res.json()).toMatchObject({ customerId: acme, status: 'suspended', plan: 'business', tier: null, phone: null });
    expect((await run('customers', 'show', acme, '--json')).json()).toMatchObject({ status: 'suspended', phone: null });
  });

  it('without --json, prints the customer for a person to read', async () => {
    const res = await run('customers', 'show', acme);
    expect(res.stdout).toMatch(new RegExp(`customer ID\\s+${acme}`));
    expect(res.stdout).toMatch(/status\s+suspended/);
    expect(() => JSON.parse(res.stdout)).toThrow();
    const list = await run('customers', 'list');
    expect(list.stdout.split('\n')[0]).toMatch(/^ID\s+PLAN\s+TIER\s+STATUS\s+NAME$/);
  });
});
