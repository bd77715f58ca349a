import { randomBytes } from 'node:crypto';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { ManualClock } from '../../src/domain/clock.js';
import { createHotline, type Hotline } from '../../src/hotline.js';
import { createLogger } from '../../src/logger.js';
import { LogCapture, tempDir } from '../support/harness.js';

describe('callback dialer in local mode (no Twilio credentials)', () => {
  let hotline: Hotline;
  let dir: string;
  afterEach(async () => {
    await hotline.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('dials nothing, says so once at start-up, and still records breaches', async () => {
    dir = tempDir();
    const config = loadConfig({
      HOTLINE_DB: join(dir, 'hotline.sqlite'),
      HOTLINE_SECRET_KEY: randomBytes(32).toString('base64'),
      HOTLINE_ADMIN_TOKEN: 'test-admin-token-0123456789abcdef',
      HOTLINE_DIALER_POLL_MS: '20',
    });
    expect(config.twilio.canPlaceCalls).toBe(false);
    const logs = new LogCapture();
    const clock = new ManualClock(Date.UTC(2026, 10, 23, 12));
    hotline = createHotline({ config, logger: createLogger('debug', logs), clock });
    expect(hotline.callbackDialing.twilio).toBeUndefined();
    await hotline.store.agents.create({ name: 'Ana', phone: '+14155550111', languages: ['en-US'], onDuty: true }, clock.now());
    const { customerId } = await hotline.customers.create({ name: 'Acme', plan: 'enterprise', tier: 'premium' });
    const callback = await hotline.store.callbacks.schedule({
      reference: '1234567',
      customerId,
      callSid: null,
      priority: 'P1',
      tier: 'premium',
      phone: '+14155550199',
      language: 'en-US',
      reason: 'no-agent-answered',
      createdAt: clock.now(),
      dueAt: clock.now() - 1,
    });

    const worker = hotline.callbackDialing.createWorker();
    worker.start();
    await new Promise((r) => setTimeout(r, 200));
    await worker.stop();

    const notices = logs.records().filter((r) => String(r.msg).includes('no Twilio credentials (local mode)'));
    expect(notices).toHaveLength(1);
    expect(await hotline.store.callbacks.get(callback.callbackId)).toMatchObject({ status: 'pending', breachedAt: clock.now() });
    expect(await hotline.callbackDialing.repository.legs(callback.callbackId)).toEqual([]);
  });
});
