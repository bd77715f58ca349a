import { readFileSync, existsSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SealError } from '../../src/crypto/secretBox.js';
import { base32Encode } from '../../src/domain/base32.js';
import { openDatabase } from '../../src/db/database.js';
import { api, startHarness, type Harness } from '../support/harness.js';
import { codeAt, confirmedAuthenticator, enterpriseCustomer, plainSecret } from './support/fixtures.js';

describe('secrets at rest', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await startHarness();
  });
  afterEach(async () => h.close());

  it('the database file and its write-ahead log hold no secret in any readable form', async () => {
    const secrets: Buffer[] = [];
    for (let i = 0; i < 3; i++) {
      const { customerId } = await enterpriseCustomer(h.hotline);
      secrets.push(await plainSecret(h.hotline, customerId, 'dashboard'));
      secrets.push(await confirmedAuthenticator(h.hotline, customerId));
      const pending = await h.hotline.customers.enrollAuthenticator(customerId);
      secrets.push(await plainSecret(h.hotline, customerId, 'authenticator-pending'));
      expect(base32Encode(secrets.at(-1)!)).toBe(pending.secret);
    }
    const files = [h.config.dbPath, `${h.config.dbPath}-wal`].filter(existsSync);
    expect(files).toContain(`${h.config.dbPath}-wal`); // unmerged pages are searched too
    const bytes = Buffer.concat(files.map((f) => readFileSync(f)));
    const key = h.config.secretKeys.current;
    for (const secret of [...secrets, key]) {
      for (const form of [secret, Buffer.from(base32Encode(secret)), Buffer.from(secret.toString('hex')), Buffer.from(secret.toString('base64'))]) {
        expect(bytes.includes(form)).toBe(false);
      }
    }
    // The search itself works: the customer's name is stored in clear and is found.
    expect(bytes.includes(Buffer.from('Acme Corp'))).toBe(true);
  });

  it("a ciphertext copied into another customer's row does not open: verifying throws, the API answers 500", async () => {
    const alice = await enterpriseCustomer(h.hotline, { name: 'Alice' });
    const mallory = await enterpriseCustomer(h.hotline, { name: 'Mallory' });
    const aliceCode = (await h.hotline.customers.dashboardCode(alice.customerId)).code;
    // Someone with write access to the file copies Alice's sealed secret over Mallory's.
    const db = openDatabase(h.config.dbPath);
    db.prepare(
      `UPDATE otp_secrets SET (ciphertext, nonce, key_id) =
         (SELECT ciphertext, nonce, key_id FROM otp_secrets WHERE customer_id = ? AND kind = 'dashboard')
       WHERE customer_id = ? AND kind = 'dashboard'`,
    ).run(alice.customerId, mallory.customerId);
    db.close();

    // The customer ID is bound into the ciphertext, so Alice's code does not become Mallory's.
    // Verification throws (the voice flow then apologises and offers the backup line) after auditing
    // the attempt, uncounted: the caller is not at fault.
    await expect(h.hotline.verifyCaller(mallory.customerId, aliceCode, { callSid: 'CA1' })).rejects.toThrow(SealError);
    expect(await h.hotline.store.verification.audit({ customerId: mallory.customerId, limit: 5 })).toMatchObject([
      { callSid: 'CA1', result: 'refused', reason: 'unreadable_secret' },
    ]);
    expect((await h.hotline.store.verification.failureState(mallory.customerId)).consecutiveFailures).toBe(0);
    expect(h.logs.records()).toContainEqual(expect.objectContaining({ level: 50, msg: expect.stringContaining('did not open') }));
    const shown = await api(h, 'GET', `/api/customers/${mallory.customerId}/one-time-token`);
    expect(shown).toEqual({ status: 500, body: { error: 'internal', message: 'internal error' } });
    // Alice is untouched.
    expect(await h.hotline.verifyCaller(alice.customerId, aliceCode, {})).toMatchObject({ verified: true });
  });

  it('a pending authenticator copied into the confirmed slot does not open either', async () => {
    const { customerId } = await enterpriseCustomer(h.hotline);
    await h.hotline.customers.enrollAuthenticator(customerId);
    const pending = await plainSecret(h.hotline, customerId, 'authenticator-pending');
    const db = openDatabase(h.config.dbPath);
    db.prepare(
      `INSERT INTO otp_secrets (customer_id, kind, ciphertext, nonce, key_id, created_at)
       SELECT customer_id, 'authenticator', ciphertext, nonce, key_id, created_at FROM otp_secrets
       WHERE customer_id = ? AND kind = 'authenticator-pending'`,
    ).run(customerId);
    db.close();
    await expect(h.hotline.verifyCaller(customerId, codeAt(h.hotline, pending), {})).rejects.toThrow(SealError);
  });

  it('a tampered ciphertext does not open', async () => {
    const { customerId } = await enterpriseCustomer(h.hotline);
    const db = openDatabase(h.config.dbPath);
    const row = db.prepare(`SELECT ciphertext FROM otp_secrets WHERE customer_id = ? AND kind = 'dashboard'`).get(customerId) as { ciphertext: Buffer };
    row.ciphertext[0]! ^= 0x01;
    db.prepare(`UPDATE otp_secrets SET ciphertext = ? WHERE customer_id = ? AND kind = 'dashboard'`).run(row.ciphertext, customerId);
    db.close();
    await expect(h.hotline.customers.dashboardCode(customerId)).rejects.toThrow(SealError);
  });

  it('every secret has its own nonce', async () => {
    for (let i = 0; i < 5; i++) {
      const { customerId } = await enterpriseCustomer(h.hotline);
      await confirmedAuthenticator(h.hotline, customerId);
    }
    const db = openDatabase(h.config.dbPath);
    const nonces = db.prepare('SELECT hex(nonce) AS n FROM otp_secrets').all() as Array<{ n: string }>;
    db.close();
    expect(nonces).toHaveLength(10);
    expect(new Set(nonces.map((r) => r.n)).size).toBe(10);
  });
});
