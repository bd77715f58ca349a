import { statSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, describe, expect, it } from 'vitest';
import { api, startHarness, type Harness } from '../support/harness.js';

describe('background WAL checkpoints', () => {
  let h: Harness;
  afterEach(async () => h.close());

  it('copy committed pages into the database file off the serving connection, and stop cleanly', async () => {
    h = await startHarness();
    const checkpoints = h.hotline.startBackgroundCheckpoints();
    await sleep(400);
    const before = statSync(h.config.dbPath).size;
    for (let i = 0; i < 150; i++) await api(h, 'POST', '/api/customers', { name: `Customer ${i}`, plan: 'enterprise' });
    // The serving connection no longer checkpoints by itself, so only the worker can grow the file.
    await sleep(800);
    expect(statSync(h.config.dbPath).size).toBeGreaterThan(before);
    await checkpoints.stop();
    expect((await api(h, 'GET', '/api/customers?limit=500')).body.items).toHaveLength(150);
  });
});
