import { randomBytes } from 'node:crypto';
import { readFileSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { keyIdOf, SealError } from '../../src/crypto/secretBox.js';
import { codeForStep, timeStepAt } from '../../src/domain/totp.js';
import { tempDir } from '../support/harness.js';
import { confirmedAuthenticator, plainSecret } from './support/fixtures.js';
import { hotline, productionEnv, serviceFor } from './support/cli.js';

const nowCode = (secret: Buffer, offset = 0) => codeForStep(secret, timeStepAt(Date.now()) + offset);

describe('hotline keys rotate', () => {
  let dir: string;
  beforeEach(() => {
    dir = tempDir();
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  /** A customer with a dashboard secret and a confirmed authenticator; returns both plaintext secrets. */
  async function seed(env: Record<string, string>) {
    const service = serviceFor(env);
    try {
      const { customerId } = await service.customers.create({ name: 'Acme Corp', plan: 'enterprise' });
      const app = await confirmedAuthenticator(service, customerId);
      return { customerId, dashboard: await plainSecret(service, customerId, 'dashboard'), app };
    } finally {
      await service.close();
    }
  }

  it('in local mode, generates a new key, re-seals everything under it and drops the old one from the file', async () => {
    const env = { HOTLINE_DB: join(dir, 'db', 'hotline.sqlite') };
    const seeded = await seed(env);
    const file = join(dir, 'db', 'hotline.local.json');
    const before = JSON.parse(readFileSync(file, 'utf8'));

    const res = await hotline(['keys', 'rotate', '--json'], { cwd: dir });
    expect(res).toMatchObject({ code: 0, stderr: '' });
    const after = JSON.parse(readFileSync(file, 'utf8'));
    expect(after.secretKey).not.toBe(before.secretKey);
    expect(after).toEqual({ ...before, secretKey: after.secretKey });
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(res.json()).toEqual({ resealed: 2, keyId: keyIdOf(Buffer.from(after.secretKey, 'base64')), keySource: 'local-file', secretsFile: file });

    // The server restarted on the file holds only the new key, and every code still verifies.
    const service = serviceFor(env);
    try {
      expect(await service.verifyCaller(seeded.customerId, nowCode(seeded.dashboard), {})).toMatchObject({ verified: true });
      expect(await service.verifyCaller(seeded.customerId, nowCode(seeded.app, 1), {})).toMatchObject({ verified: true, factor: 'authenticator' });
    } finally {
      await service.close();
    }
    const stale = serviceFor({ ...env, HOTLINE_SECRET_KEY: before.secretKey });
    try {
      await expect(stale.customers.dashboardCode(seeded.customerId)).rejects.toThrow(SealError);
    } finally {
      await stale.close();
    }
  });

  it('in production, re-seals under HOTLINE_SECRET_KEY with the old key given as previous', async () => {
    const oldEnv = productionEnv(dir);
    const seeded = await seed(oldEnv);
    const newKey = randomBytes(32).toString('base64');
    const rotating = { ...oldEnv, HOTLINE_SECRET_KEY: newKey, HOTLINE_SECRET_KEY_PREVIOUS: oldEnv.HOTLINE_SECRET_KEY! };

    const res = await hotline(['keys', 'rotate', '--json'], { cwd: dir, env: rotating });
    expect(res.code).toBe(0);
    expect(res.json()).toEqual({ resealed: 2, keyId: keyIdOf(Buffer.from(newKey, 'base64')), keySource: 'environment' });

    const service = serviceFor({ ...oldEnv, HOTLINE_SECRET_KEY: newKey });
    try {
      expect(await service.verifyCaller(seeded.customerId, nowCode(seeded.dashboard), {})).toMatchObject({ verified: true });
      expect(await service.verifyCaller(seeded.customerId, nowCode(seeded.app, 1), {})).toMatchObject({ verified: true, factor: 'authenticator' });
    } finally {
      await service.close();
    }
  });

  it('without the old key, says which variable to set and changes nothing', async () => {
    const oldEnv = productionEnv(dir);
    const seeded = await seed(oldEnv);
    const res = await hotline(['keys', 'rotate'], { cwd: dir, env: { ...oldEnv, HOTLINE_SECRET_KEY: randomBytes(32).toString('base64') } });
    expect(res.code).toBe(1);
    expect(res.stdout).toBe('');
    expect(res.stderr.trimEnd().split('\n')).toHaveLength(1);
    expect(res.stderr).toMatch(/^hotline: a stored secret does not open .*nothing was changed.*HOTLINE_SECRET_KEY_PREVIOUS/);
    const service = serviceFor(oldEnv);
    try {
      expect(await service.verifyCaller(seeded.customerId, nowCode(seeded.dashboard), {})).toMatchObject({ verified: true });
    } finally {
      await service.close();
    }
  });
});
