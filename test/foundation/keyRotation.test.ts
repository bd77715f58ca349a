import { randomBytes } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { keyIdOf, SealError } from '../../src/crypto/secretBox.js';
import { openDatabase } from '../../src/db/database.js';
import { createHotline, type Hotline } from '../../src/hotline.js';
import { createLogger } from '../../src/logger.js';
import { startHarness, testConfig, type Harness } from '../support/harness.js';
import { codeAt, confirmedAuthenticator, enterpriseCustomer, plainSecret } from './support/fixtures.js';

describe('rotating the key that seals secrets', () => {
  let h: Harness;
  const opened: Hotline[] = [];
  const oldKey = () => h.config.secretKeys.current.toString('base64');
  const newKey = randomBytes(32).toString('base64');

  /** The service over the same database file, as after a restart with other keys configured. */
  const restartWith = (env: Record<string, string>) => {
    const hotline = createHotline({ config: testConfig(h.dir, env), logger: createLogger('silent'), clock: h.clock, db: openDatabase(h.config.dbPath) });
    opened.push(hotline);
    return hotline;
  };
  /** Every sealed row as stored: re-sealing changes its nonce, so this shows whether anything was rewritten. */
  const sealedRows = () => {
    const db = openDatabase(h.config.dbPath);
    const rows = db.prepare('SELECT customer_id, kind, key_id, hex(nonce) AS nonce FROM otp_secrets ORDER BY 1, 2').all() as Array<{ key_id: string }>;
    db.close();
    return rows;
  };
  const keyIds = () => [...new Set(sealedRows().map((r) => r.key_id))];

  let customers: Array<{ customerId: string; dashboard: Buffer; app: Buffer }>;
  beforeEach(async () => {
    h = await startHarness();
    customers = [];
    for (let i = 0; i < 3; i++) {
      const { customerId } = await enterpriseCustomer(h.hotline);
      const app = await confirmedAuthenticator(h.hotline, customerId);
      customers.push({ customerId, dashboard: await plainSecret(h.hotline, customerId, 'dashboard'), app });
    }
    await h.hotline.customers.enrollAuthenticator(customers[0]!.customerId); // a pending one is re-sealed too
  });
  afterEach(async () => {
    for (const hotline of opened.splice(0)) await hotline.close();
    await h.close();
  });

  it('with the new key current and the old one previous, rotation re-seals everything and every code still verifies', async () => {
    const during = restartWith({ HOTLINE_SECRET_KEY: newKey, HOTLINE_SECRET_KEY_PREVIOUS: oldKey() });
    // Between restart and rotation both keys are in use: old secrets open, new ones are sealed with the new key.
    const late = await enterpriseCustomer(during);
    expect(keyIds().sort()).toEqual([keyIdOf(h.config.secretKeys.current), keyIdOf(Buffer.from(newKey, 'base64'))].sort());

    expect(await during.customers.rotateKeys()).toEqual({ resealed: 3 * 2 + 1 + 1, keyId: keyIdOf(Buffer.from(newKey, 'base64')) });
    expect(keyIds()).toEqual([keyIdOf(Buffer.from(newKey, 'base64'))]);

    const after = restartWith({ HOTLINE_SECRET_KEY: newKey });
    for (const c of customers) {
      expect(await after.verifyCaller(c.customerId, codeAt(after, c.dashboard), {})).toMatchObject({ verified: true, factor: 'dashboard' });
      // Confirmation spent the app's current step; its next code verifies.
      expect(await after.verifyCaller(c.customerId, codeAt(after, c.app, 1), {})).toMatchObject({ verified: true, factor: 'authenticator' });
      expect(await after.verifyCaller(c.customerId, codeAt(after, c.app, 1), {})).toMatchObject({ verified: false, reason: 'reused_code' });
    }
    expect((await after.customers.dashboardCode(late.customerId)).code).toMatch(/^\d{6}$/);
  });

  it('after rotation the old key alone opens nothing', async () => {
    await restartWith({ HOTLINE_SECRET_KEY: newKey, HOTLINE_SECRET_KEY_PREVIOUS: oldKey() }).customers.rotateKeys();
    const stale = restartWith({ HOTLINE_SECRET_KEY: oldKey() });
    await expect(stale.customers.dashboardCode(customers[0]!.customerId)).rejects.toThrow(SealError);
  });

  it('when one secret does not open, rotation fails and rewrites nothing', async () => {
    await restartWith({ HOTLINE_SECRET_KEY: newKey, HOTLINE_SECRET_KEY_PREVIOUS: oldKey() }).customers.rotateKeys();
    const straggler = await enterpriseCustomer(h.hotline); // a process still on the old key seals one more secret
    // The next rotation forgets the old key: every row re-seals except the last one.
    const nextKey = randomBytes(32).toString('base64');
    const forgetful = restartWith({ HOTLINE_SECRET_KEY: nextKey, HOTLINE_SECRET_KEY_PREVIOUS: newKey });
    const before = sealedRows();
    await expect(forgetful.customers.rotateKeys()).rejects.toThrow(/no key with id/);
    expect(sealedRows()).toEqual(before);
    const c = customers[1]!;
    expect(await forgetful.verifyCaller(c.customerId, codeAt(forgetful, c.dashboard), {})).toMatchObject({ verified: true });
    expect((await h.hotline.customers.dashboardCode(straggler.customerId)).code).toMatch(/^\d{6}$/);
  });
});
