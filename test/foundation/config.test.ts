import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ConfigError, loadConfig, localSecretsPath } from '../../src/config.js';
import { tempDir, TEST_ACCOUNT_SID, TEST_ADMIN_TOKEN, TEST_AUTH_TOKEN } from '../support/harness.js';

const KEY = randomBytes(32).toString('base64');
const PRODUCTION = {
  TWILIO_ACCOUNT_SID: TEST_ACCOUNT_SID,
  TWILIO_AUTH_TOKEN: TEST_AUTH_TOKEN,
  HOTLINE_SECRET_KEY: KEY,
  HOTLINE_ADMIN_TOKEN: TEST_ADMIN_TOKEN,
};

describe('configuration', () => {
  let dir: string;
  beforeEach(() => {
    dir = tempDir();
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));
  const db = () => join(dir, 'data', 'hotline.sqlite');

  it('has working defaults when every secret is given, and generates nothing', () => {
    const config = loadConfig({ ...PRODUCTION, HOTLINE_DB: db() });
    expect(config).toMatchObject({
      port: 3000,
      host: '0.0.0.0',
      publicBaseUrl: 'http://localhost:3000',
      logLevel: 'info',
      localMode: false,
      secretKeySource: 'environment',
      twilio: { apiUrl: 'https://api.twilio.com', canPlaceCalls: true },
    });
    expect(config.secretKeys.current.equals(Buffer.from(KEY, 'base64'))).toBe(true);
    expect(existsSync(localSecretsPath(db()))).toBe(false);
  });

  it("reads Twilio connection overrides, with or without the fragment's #", () => {
    const config = loadConfig({ ...PRODUCTION, HOTLINE_DB: db(), HOTLINE_TWILIO_CONNECTION_OVERRIDES: '#ct=1500&rt=6000&tt=9000&rc=1&rp=ct,rt,5xx' });
    expect(config.connectionOverrides).toBe('ct=1500&rt=6000&tt=9000&rc=1&rp=ct,rt,5xx');
    expect(loadConfig({ ...PRODUCTION, HOTLINE_DB: db() }).connectionOverrides).toBeUndefined();
  });

  it('takes a dialer poll interval at both ends of its range', () => {
    expect(loadConfig({ ...PRODUCTION, HOTLINE_DB: db(), HOTLINE_DIALER_POLL_MS: '010' }).dialer.pollMs).toBe(10);
    expect(loadConfig({ ...PRODUCTION, HOTLINE_DB: db(), HOTLINE_DIALER_POLL_MS: '99999' }).dialer.pollMs).toBe(99999);
  });

  it('reads the callback countries as calling codes, with or without a plus; unset leaves them to the line', () => {
    expect(loadConfig({ ...PRODUCTION, HOTLINE_DB: db(), HOTLINE_CALLBACK_COUNTRIES: '1, +81,44,1876' }).callbackCountries).toEqual(['1', '81', '44', '1876']);
    expect(loadConfig({ ...PRODUCTION, HOTLINE_DB: db() }).callbackCountries).toBeUndefined();
  });

  it('reads the previous keys as a comma list and drops a trailing slash from the public URL', () => {
    const previous = [randomBytes(32).toString('base64'), randomBytes(32).toString('base64')];
    const config = loadConfig({ ...PRODUCTION, HOTLINE_DB: db(), HOTLINE_SECRET_KEY_PREVIOUS: previous.join(', '), PUBLIC_BASE_URL: 'https://hotline.example.com/' });
    expect(config.secretKeys.previous.map((k) => k.toString('base64'))).toEqual(previous);
    expect(config.publicBaseUrl).toBe('https://hotline.example.com');
  });

  it.each([
    ['PORT', 'abc'],
    ['PORT', '70000'],
    ['PUBLIC_BASE_URL', 'ftp://hotline.example.com'],
    ['TWILIO_ACCOUNT_SID', 'AC123'],
    ['HOTLINE_BACKUP_NUMBER', '5550100'],
    ['HOTLINE_CALLER_ID', '+0'],
    ['LOG_LEVEL', 'loud'],
    ['HOTLINE_DIALER_POLL_MS', '00'], // zero: the dialer would poll without pause
    ['HOTLINE_DIALER_POLL_MS', '9'],
    ['HOTLINE_DIALER_POLL_MS', '100000'],
    ['HOTLINE_TWILIO_CONNECTION_OVERRIDES', 'ct=50'],
    ['HOTLINE_TWILIO_CONNECTION_OVERRIDES', 'rt=6000&timeout=5'],
    ['HOTLINE_TWILIO_CONNECTION_OVERRIDES', 'rc=1&rc=2'],
    ['HOTLINE_TWILIO_CONNECTION_OVERRIDES', '__proto__=5'],
    ['HOTLINE_TWILIO_CONNECTION_OVERRIDES', 'ct=1500&toString=5'],
    ['HOTLINE_TWILIO_CONNECTION_OVERRIDES', 'hasOwnProperty=1'],
    ['HOTLINE_CALLBACK_COUNTRIES', '1,abc'],
    ['HOTLINE_CALLBACK_COUNTRIES', '1,,44'],
    ['HOTLINE_CALLBACK_COUNTRIES', '210'], // never assigned by the ITU
    ['HOTLINE_CALLBACK_COUNTRIES', '81,881'], // satellite: refused whatever the setting, so never "allowed"
  ])('refuses %s=%s with one line naming the variable and the value', (name, value) => {
    const attempt = () => loadConfig({ ...PRODUCTION, HOTLINE_DB: db(), [name]: value });
    expect(attempt).toThrow(ConfigError);
    expect(attempt).toThrow(new RegExp(`^${name}: .+ \\(got "${value.replace(/[+.]/g, '\\$&')}"\\)$`));
  });

  it.each(['https://hotline.example.com#ct=1500&rt=6000', 'https://hotline.example.com/?region=eu', 'https://hotline.example.com?'])(
    'refuses PUBLIC_BASE_URL=%s, which no webhook signature would match, pointing to the connection overrides',
    (value) => {
      const attempt = () => loadConfig({ ...PRODUCTION, HOTLINE_DB: db(), PUBLIC_BASE_URL: value });
      expect(attempt).toThrow(ConfigError);
      expect(attempt).toThrow(/^PUBLIC_BASE_URL: must have no query or #fragment: .*HOTLINE_TWILIO_CONNECTION_OVERRIDES.*\(got ".+"\)$/);
    },
  );

  it.each([
    ['HOTLINE_SECRET_KEY', randomBytes(31).toString('base64')],
    ['HOTLINE_SECRET_KEY', 'short'],
    ['HOTLINE_SECRET_KEY_PREVIOUS', `${KEY},${randomBytes(16).toString('base64')}`],
    ['HOTLINE_ADMIN_TOKEN', 'almost-a-good-token'],
    ['TWILIO_AUTH_TOKEN', 'tok3n'],
  ])('refuses a bad %s without repeating the secret', (name, value) => {
    let message = '';
    try {
      loadConfig({ ...PRODUCTION, HOTLINE_DB: db(), [name]: value });
    } catch (err) {
      expect(err).toBeInstanceOf(ConfigError);
      message = (err as Error).message;
    }
    expect(message).toMatch(new RegExp(`^${name}: `));
    expect(message).not.toContain(value);
    expect(message).not.toContain('\n');
  });

  describe('local mode', () => {
    it('with no secrets set, generates them once in a 0600 file beside the database and reuses them', () => {
      const first = loadConfig({ HOTLINE_DB: db() });
      const file = localSecretsPath(db());
      expect(first).toMatchObject({ localMode: true, localSecretsFile: file, secretKeySource: 'local-file' });
      expect(file).toBe(join(dir, 'data', 'hotline.local.json'));
      expect(statSync(file).mode & 0o777).toBe(0o600);
      expect(first.twilio.canPlaceCalls).toBe(false);
      const stored = JSON.parse(readFileSync(file, 'utf8'));
      expect(stored.adminToken).toBe(first.adminToken);
      expect(Buffer.from(stored.secretKey, 'base64').equals(first.secretKeys.current)).toBe(true);

      const second = loadConfig({ HOTLINE_DB: db() });
      expect(second.adminToken).toBe(first.adminToken);
      expect(second.twilio).toEqual(first.twilio);
      expect(second.secretKeys.current.equals(first.secretKeys.current)).toBe(true);
      expect(readFileSync(file, 'utf8')).toBe(JSON.stringify(stored, null, 2) + '\n');
    });

    it('generates only what is not set', () => {
      const config = loadConfig({ HOTLINE_DB: db(), HOTLINE_ADMIN_TOKEN: TEST_ADMIN_TOKEN, HOTLINE_SECRET_KEY: KEY });
      const stored = JSON.parse(readFileSync(localSecretsPath(db()), 'utf8'));
      expect(Object.keys(stored).sort()).toEqual(['twilioAccountSid', 'twilioAuthToken']);
      expect(config).toMatchObject({ adminToken: TEST_ADMIN_TOKEN, secretKeySource: 'environment' });
    });

    it('a variable set later wins over the generated value', () => {
      loadConfig({ HOTLINE_DB: db() });
      expect(loadConfig({ HOTLINE_DB: db(), HOTLINE_ADMIN_TOKEN: TEST_ADMIN_TOKEN }).adminToken).toBe(TEST_ADMIN_TOKEN);
    });

    it('refuses a secrets file that is not JSON with one line naming it', () => {
      loadConfig({ HOTLINE_DB: db() });
      const file = localSecretsPath(db());
      writeFileSync(file, '{ broken');
      expect(() => loadConfig({ HOTLINE_DB: db() })).toThrow(`local secrets file ${file} is not valid JSON: fix or remove it`);
    });
  });
});
