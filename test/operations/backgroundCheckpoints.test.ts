import { statSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, describe, expect, it } from 'vitest';
import { api, startHarness, type Harness } from '../support/harness.js';
import { callParams, postSigned } from '../support/twilioRequests.js';

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

  it('keep the write-ahead log short while calls arrive without a pause, instead of letting it grow', async () => {
    h = await startHarness();
    // Rewound past 200 frames (800 KB) here rather than 16 MB, so a few seconds of calls show it.
    const checkpoints = h.hotline.startBackgroundCheckpoints({ rewindLogAtFrames: 200 });
    const wal = `${h.config.dbPath}-wal`;
    // 8 calls coming in at a time, back to back: about 9 KB of log each, 14 MB for all of them if the
    // log never started again from its beginning (as it did not before, whatever the checkpoints copied).
    const CALLS = 1500;
    let placed = 0;
    let longest = 0;
    await Promise.all(
      Array.from({ length: 8 }, async () => {
        while (placed < CALLS) {
          const callSid = `CA${String(placed++).padStart(32, '0')}`;
          expect((await postSigned(h, '/voice/incoming', callParams(callSid))).status).toBe(200);
          longest = Math.max(longest, statSync(wal).size);
        }
      }),
    );
    expect(longest).toBeLessThan(5_000_000);
    await checkpoints.stop();
    // Every call is still there: rewinding the log lost nothing.
    expect(await h.hotline.store.calls.live(CALLS + 100)).toHaveLength(CALLS);
  }, 30_000);
});
