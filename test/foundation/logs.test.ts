import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { base32Encode } from '../../src/domain/base32.js';
import { openDatabase } from '../../src/db/database.js';
import { api, startHarness, TEST_ADMIN_TOKEN, TEST_AUTH_TOKEN, type Harness } from '../support/harness.js';
import { base32Decode } from './support/base32.js';
import { codeAt, plainSecret, wrongCode } from './support/fixtures.js';

const CALLER = '+14155550199';
/** Distinct callers, so a limit on guesses per calling number does not change the run. */
const callers = Array.from({ length: 20 }, (_, i) => `+1646555${String(1000 + i)}`);
const CONTACT = '+81312345678';

describe('what reaches the log', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await startHarness();
  });
  afterEach(async () => h.close());

  it('after creates, codes, enrollments, verifications and refusals, no code, secret, token or full phone number is logged', async () => {
    const secrets: Buffer[] = [];
    const codes = new Set<string>();
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) {
      const { customerId } = (await api(h, 'POST', '/api/customers', { name: `Acme ${i}`, plan: 'enterprise', phone: CONTACT })).body;
      ids.push(customerId);
      codes.add((await api(h, 'GET', `/api/customers/${customerId}/one-time-token`)).body.code);
      secrets.push(await plainSecret(h.hotline, customerId, 'dashboard'));
      const enrollment = (await api(h, 'POST', `/api/customers/${customerId}/authenticator`)).body;
      const app = base32Decode(enrollment.secret);
      secrets.push(app);
      await api(h, 'POST', `/api/customers/${customerId}/authenticator/confirm`, { code: await wrongCode(h.hotline, customerId) });
      await api(h, 'POST', `/api/customers/${customerId}/authenticator/confirm`, { code: codeAt(h.hotline, app) });
    }
    const [ok, locked, other] = ids as [string, string, string];
    let calls = 0;
    const verify = (id: string, code: string) => {
      codes.add(code);
      const caller = calls++ === 0 ? CALLER : callers[calls]!;
      return h.hotline.verifyCaller(id, code, { caller, callSid: `CA${'0'.repeat(32)}` });
    };
    await verify(ok, [...codes][0]!);
    await verify(ok, codeAt(h.hotline, secrets[0]!));
    await verify(ok, codeAt(h.hotline, secrets[0]!)); // reuse
    await verify(ok, codeAt(h.hotline, secrets[1]!, 1));
    for (let i = 0; i < 6; i++) await verify(locked, await wrongCode(h.hotline, locked));
    await verify(locked, codeAt(h.hotline, secrets[2]!));
    await verify('1234567897', '654321');
    await verify(other, '12345x');
    await api(h, 'GET', '/api/customers', undefined, `${TEST_ADMIN_TOKEN}-guess`);
    // A secret that does not open logs an error with its cause.
    const db = openDatabase(h.config.dbPath);
    db.prepare(`UPDATE otp_secrets SET nonce = zeroblob(12) WHERE customer_id = ? AND kind = 'dashboard'`).run(other);
    db.close();
    await api(h, 'GET', `/api/customers/${other}/one-time-token`);
    await expect(verify(other, codeAt(h.hotline, secrets[4]!))).rejects.toThrow();
    for (const secret of secrets) for (let offset = -3; offset <= 3; offset++) codes.add(codeAt(h.hotline, secret, offset));

    const text = h.logs.text;
    // The run was logged: verifications, refusals, the lock and errors, with callers masked.
    const messages = h.logs.records().map((r) => r.msg);
    expect(messages).toEqual(expect.arrayContaining(['caller verified', 'verification refused', 'customer ID locked after repeated failures', 'request failed']));
    expect(text).toContain('+1********99');

    const forbidden = [
      TEST_ADMIN_TOKEN,
      TEST_AUTH_TOKEN,
      ...[CALLER, ...callers].flatMap((c) => [c, c.slice(1)]),
      CONTACT,
      CONTACT.slice(1),
      ...secrets.flatMap((s) => [s.toString('hex'), base32Encode(s), s.toString('base64')]),
    ];
    for (const value of forbidden) expect(text).not.toContain(value);
    for (const code of codes) expect(text).not.toMatch(new RegExp(`(?<![0-9])${code}(?![0-9])`));
  });

  it("the logger's redaction catches codes, secrets, tokens and numbers passed by mistake", () => {
    h.hotline.logger.info(
      {
        code: '123456',
        Digits: '654321',
        secret: 'JBSWY3DPEHPK3PXP',
        token: TEST_ADMIN_TOKEN,
        phone: CONTACT,
        otpauthUri: 'otpauth://totp/x?secret=JBSWY3DPEHPK3PXP',
        req: { headers: { authorization: `Bearer ${TEST_ADMIN_TOKEN}` } },
        body: { From: CALLER, To: CONTACT, Digits: '111111' },
      },
      'a careless log line',
    );
    const line = h.logs.lines.at(-1)!;
    for (const value of ['123456', '654321', '111111', 'JBSWY3DPEHPK3PXP', TEST_ADMIN_TOKEN, CONTACT, CALLER]) expect(line).not.toContain(value);
    expect(line).toContain('[redacted]');
  });
});
