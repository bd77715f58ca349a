import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { codeForStep, timeStepAt } from '../../src/domain/totp.js';
import type { Hotline } from '../../src/hotline.js';
import { tempDir } from '../support/harness.js';
import { base32Decode } from './support/base32.js';
import { hotline, serviceFor } from './support/cli.js';

// The "done when", with the real clock: a new user with no configuration adds an Enterprise
// customer with the CLI, reads the 30-second code, enrolls an authenticator from the otpauth URI,
// and each code verifies once and only once.
describe('an operator on a fresh checkout', () => {
  let dir: string;
  let service: Hotline;
  const run = (...args: string[]) => hotline(args, { cwd: dir });
  const verify = (customerId: string, code: string) => service.verifyCaller(customerId, code, { caller: '+14155550100' });
  beforeAll(() => {
    dir = tempDir();
  });
  afterAll(async () => {
    await service?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  let customerId: string;
  it('adds an Enterprise customer in local mode, with no variables set', async () => {
    const res = await run('customers', 'add', '--name', 'Acme Corp', '--plan', 'enterprise', '--json');
    expect(res.code).toBe(0);
    customerId = res.json().customerId;
    expect(res.json()).toMatchObject({ plan: 'enterprise', tier: 'standard' });
    // The server would open the same database with the same generated key.
    service = serviceFor({ HOTLINE_DB: join(dir, 'db', 'hotline.sqlite') });
    expect(service.config.secretKeySource).toBe('local-file');
  });

  it('token --json prints the current code once, and that code verifies a call once', async () => {
    const res = await run('token', customerId, '--json');
    expect(res.code).toBe(0);
    const token = res.json();
    expect(token).toEqual({ customerId, code: expect.stringMatching(/^\d{6}$/), period: 30, expiresInSeconds: expect.any(Number) });
    expect(token.expiresInSeconds).toBeGreaterThanOrEqual(1);
    expect(token.expiresInSeconds).toBeLessThanOrEqual(30);
    expect(await verify(customerId, token.code)).toMatchObject({ verified: true, factor: 'dashboard' });
    expect(await verify(customerId, token.code)).toMatchObject({ verified: false, reason: 'reused_code' });
  });

  it('token without a terminal prints the code once and exits', async () => {
    const res = await run('token', customerId);
    expect(res.code).toBe(0);
    expect(res.stdout).toMatch(new RegExp(`^${customerId} \\d{3} \\d{3} \\(valid \\d+ more seconds\\)\\n$`));
  });

  let appSecret: Buffer;
  it('authenticator enroll --json prints the otpauth URI an app reads, pending until confirmed', async () => {
    const res = await run('authenticator', 'enroll', customerId, '--json');
    expect(res.code).toBe(0);
    const enrollment = res.json();
    expect(enrollment).toMatchObject({ customerId, status: 'pending' });
    const uri = new URL(enrollment.otpauthUri);
    expect(uri.searchParams.get('issuer')).toBe('Hotline');
    appSecret = base32Decode(uri.searchParams.get('secret')!);
    expect(appSecret.length).toBeGreaterThanOrEqual(20);
    const appCode = codeForStep(appSecret, timeStepAt(Date.now()));
    expect(await verify(customerId, appCode)).toMatchObject({ verified: false });
  });

  it('without --json, enroll draws the QR code in the terminal beside the URI', async () => {
    const res = await run('authenticator', 'enroll', customerId);
    expect(res.code).toBe(0);
    expect(res.stdout).toMatch(/[▀▄█]{5,}/);
    const uri = /otpauth:\/\/totp\/\S+/.exec(res.stdout)![0];
    appSecret = base32Decode(new URL(uri).searchParams.get('secret')!); // the newest enrollment is the one to confirm
  });

  it('authenticator confirm refuses a wrong code, accepts the app code, and the app\'s next code verifies once', async () => {
    const step = timeStepAt(Date.now());
    const wrong = await run('authenticator', 'confirm', customerId, String((Number(codeForStep(appSecret, step)) + 500_000) % 1_000_000).padStart(6, '0'), '--json');
    expect(wrong.code).toBe(1);
    expect(wrong.stderr).toBe('hotline: code: does not match the authenticator being enrolled\n');

    const confirmed = await run('authenticator', 'confirm', customerId, codeForStep(appSecret, step), '--json');
    expect(confirmed.code).toBe(0);
    expect(confirmed.json()).toEqual({ customerId, confirmed: true });
    const next = codeForStep(appSecret, step + 1);
    expect(await verify(customerId, next)).toMatchObject({ verified: true, factor: 'authenticator' });
    expect(await verify(customerId, next)).toMatchObject({ verified: false, reason: 'reused_code' });
  });

  it('unlock --json clears a lock', async () => {
    for (let i = 0; i < 5; i++) await verify(customerId, 'x23456');
    expect((await service.store.verification.failureState(customerId)).lockedUntil).not.toBeNull();
    const res = await run('unlock', customerId, '--json');
    expect(res.json()).toEqual({ customerId, unlocked: true });
    expect((await service.store.verification.failureState(customerId)).consecutiveFailures).toBe(0);
  });

  it('authenticator remove --json removes it; removing again fails with one line', async () => {
    expect((await run('authenticator', 'remove', customerId, '--json')).json()).toEqual({ customerId, removed: true });
    const again = await run('authenticator', 'remove', customerId, '--json');
    expect(again).toMatchObject({ code: 1, stdout: '', stderr: 'hotline: authenticator not found\n' });
  });
});
