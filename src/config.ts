import { randomBytes } from 'node:crypto';
import {
  chmodSync,
  closeSync,
  existsSync,
  fsyncSync,
  mkdirSync,
  openSync,
  readFileSync,
  renameSync,
  writeFileSync,
} from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { z } from 'zod';
import { DEFAULT_ACQUIRE_TIMEOUT_MS, DEFAULT_POOL_SIZE, DEFAULT_STATEMENT_TIMEOUT_MS, isPostgresUrl } from './db/postgres/settings.js';
import { isCallingCode } from './domain/callingCodes.js';
import { E164 } from './domain/customer.js';
import { refusedRangeOf } from './domain/numberRanges.js';
import { connectionOverridesProblem } from './twilio/webhookUrls.js';

/** Thrown when configuration is unusable; its message is the one line shown at start-up. */
export class ConfigError extends Error {}

const optionalString = z
  .string()
  .optional()
  .transform((v) => (v === undefined || v.trim() === '' ? undefined : v.trim()));
const optionalE164 = optionalString.refine((v) => v === undefined || E164.test(v), {
  message: 'must be an E.164 phone number such as +14155550100',
});

/** What a secret must look like, whether it comes from the environment or the local secrets file. */
const SECRET_RULES = {
  accountSid: { valid: (v: string) => /^AC[0-9a-fA-F]{32}$/.test(v), message: 'must look like AC followed by 32 hex digits' },
  authToken: { valid: (v: string) => v.length >= 16, message: 'must be at least 16 characters' },
  secretKey: { valid: (v: string) => isKey(v), message: 'must be 32 bytes encoded as base64 (openssl rand -base64 32)' },
  adminToken: { valid: (v: string) => v.length >= 24, message: 'must be at least 24 characters' },
} as const;
const optionalSecret = (rule: { valid: (v: string) => boolean; message: string }) =>
  optionalString.refine((v) => v === undefined || rule.valid(v), { message: rule.message });

const envSchema = z.object({
  PORT: optionalString
    .transform((v) => v ?? '3000')
    .pipe(z.string().regex(/^[0-9]{1,5}$/, 'must be a port number from 0 to 65535'))
    .transform(Number)
    .pipe(z.number().max(65535, 'must be a port number from 0 to 65535')),
  HOST: optionalString,
  HOTLINE_DB: optionalString.pipe(z.string().default('db/hotline.sqlite')),
  // PostgreSQL instead of the SQLite file: several instances share it. TLS as the URL's sslmode says.
  HOTLINE_DATABASE_URL: optionalString.refine((v) => v === undefined || isPostgresUrl(v), {
    message: 'must be a PostgreSQL URL such as postgres://user:password@host:5432/hotline?sslmode=require',
  }),
  HOTLINE_DB_POOL_SIZE: optionalString
    .transform((v) => v ?? String(DEFAULT_POOL_SIZE))
    .pipe(z.string().regex(/^[0-9]{1,3}$/, 'must be a number of connections from 1 to 999'))
    .transform(Number)
    .pipe(z.number().min(1, 'must be a number of connections from 1 to 999')),
  HOTLINE_DB_STATEMENT_TIMEOUT_MS: optionalString
    .transform((v) => v ?? String(DEFAULT_STATEMENT_TIMEOUT_MS))
    .pipe(z.string().regex(/^[0-9]{2,6}$/, 'must be a number of milliseconds from 10 to 999999'))
    .transform(Number)
    .pipe(z.number().min(10, 'must be a number of milliseconds from 10 to 999999')),
  HOTLINE_DB_ACQUIRE_TIMEOUT_MS: optionalString
    .transform((v) => v ?? String(DEFAULT_ACQUIRE_TIMEOUT_MS))
    .pipe(z.string().regex(/^[0-9]{2,6}$/, 'must be a number of milliseconds from 10 to 999999'))
    .transform(Number)
    .pipe(z.number().min(10, 'must be a number of milliseconds from 10 to 999999')),
  PUBLIC_BASE_URL: optionalString.pipe(
    z
      .url({ protocol: /^https?$/, message: 'must be an http(s) URL such as https://hotline.example.com' })
      // Twilio signs the URL without its fragment, and every webhook path is appended to this one:
      // with a query or fragment no signature would ever match.
      .refine((v) => !/[?#]/.test(v), {
        message:
          'must have no query or #fragment: Twilio connection overrides (#ct=...) go in HOTLINE_TWILIO_CONNECTION_OVERRIDES and on the number\'s voice URL (docs/operations.md, Runbook)',
      })
      .optional(),
  ),
  TWILIO_ACCOUNT_SID: optionalSecret(SECRET_RULES.accountSid),
  TWILIO_AUTH_TOKEN: optionalSecret(SECRET_RULES.authToken),
  HOTLINE_SECRET_KEY: optionalSecret(SECRET_RULES.secretKey),
  HOTLINE_SECRET_KEY_PREVIOUS: optionalString.refine(
    (v) => v === undefined || v.split(',').every((k) => isKey(k.trim())),
    { message: 'must be a comma-separated list of base64 32-byte keys' },
  ),
  HOTLINE_ADMIN_TOKEN: optionalSecret(SECRET_RULES.adminToken),
  HOTLINE_BACKUP_NUMBER: optionalE164,
  HOTLINE_CALLER_ID: optionalE164,
  HOTLINE_STATUS_URL: optionalString.pipe(z.url({ protocol: /^https?$/ }).optional()),
  HOTLINE_TWILIO_API_URL: optionalString.pipe(
    z.url({ protocol: /^https?$/ }).default('https://api.twilio.com'),
  ),
  HOTLINE_DIALER_LEASE_SECONDS: optionalString
    .transform((v) => v ?? '120')
    .pipe(z.string().regex(/^[0-9]{1,4}$/, 'must be a number of seconds from 1 to 3600'))
    .transform(Number)
    .pipe(z.number().min(1, 'must be a number of seconds from 1 to 3600').max(3600, 'must be a number of seconds from 1 to 3600')),
  HOTLINE_DIALER_POLL_MS: optionalString
    .transform((v) => v ?? '2000')
    .pipe(z.string().regex(/^[0-9]{1,5}$/, 'must be a number of milliseconds from 10 to 99999'))
    .transform(Number)
    .pipe(z.number().min(10, 'must be a number of milliseconds from 10 to 99999')),
  HOTLINE_GUARD_REFUSED_CODES: optionalString
    .transform((v) => v ?? '50')
    .pipe(z.string().regex(/^[0-9]{1,6}$/, 'must be a number of refused codes from 1 to 999999'))
    .transform(Number)
    .pipe(z.number().min(1, 'must be a number of refused codes from 1 to 999999')),
  HOTLINE_GUARD_WINDOW_MINUTES: optionalString
    .transform((v) => v ?? '10')
    .pipe(z.string().regex(/^[0-9]{1,4}$/, 'must be a number of minutes from 1 to 1440'))
    .transform(Number)
    .pipe(z.number().min(1, 'must be a number of minutes from 1 to 1440').max(1440, 'must be a number of minutes from 1 to 1440')),
  HOTLINE_PANEL_SESSION_MINUTES: optionalString
    .transform((v) => v ?? '10')
    .pipe(z.string().regex(/^[0-9]{1,2}$/, 'must be a number of minutes from 1 to 60'))
    .transform(Number)
    .pipe(z.number().min(1, 'must be a number of minutes from 1 to 60').max(60, 'must be a number of minutes from 1 to 60')),
  HOTLINE_PANEL_ORIGINS: optionalString
    .transform((v) => (v === undefined ? [] : v.split(/[\s,]+/).filter((o) => o !== '')))
    .superRefine((origins, ctx) => {
      const bad = origins.find((o) => !isOrigin(o));
      if (bad !== undefined) ctx.addIssue({ code: 'custom', message: `must be comma-separated origins such as https://dashboard.example.com: ${bad} is not one` });
    }),
  HOTLINE_DIALER_IN_SERVER: optionalString
    .transform((v) => v ?? 'true')
    .pipe(z.enum(['true', 'false'], { message: 'must be true or false' }))
    .transform((v) => v === 'true'),
  LOG_LEVEL: optionalString.pipe(
    z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  ),
  HOTLINE_DB_BUSY_TIMEOUT_MS: optionalString
    .transform((v) => v ?? '5000')
    .pipe(z.string().regex(/^[0-9]{1,6}$/, 'must be a number of milliseconds from 0 to 999999'))
    .transform(Number),
  HOTLINE_METRICS_PUBLIC: optionalString
    .transform((v) => v ?? 'false')
    .pipe(z.enum(['true', 'false'], { message: 'must be true or false' }))
    .transform((v) => v === 'true'),
  HOTLINE_CALLBACK_COUNTRIES: optionalString
    .transform((v) => v?.split(',').map((code) => code.trim().replace(/^\+/, '')))
    .superRefine((codes, ctx) => {
      const bad = codes?.find((code) => !isCallingCode(code) || refusedRangeOf(code) !== undefined);
      if (bad === undefined) return;
      const why = isCallingCode(bad) ? `${bad} reaches only premium-rate or satellite numbers, which are always refused` : `${bad ? bad : 'an empty entry'} is not one`;
      ctx.addIssue({ code: 'custom', message: `must be comma-separated country calling codes such as 1,81,44: ${why}` });
    }),
  HOTLINE_ESCALATION_NUMBERS: optionalString
    .transform((v) => (v === undefined ? [] : v.split(',').map((n) => n.trim())))
    .superRefine((numbers, ctx) => {
      const bad = numbers.findIndex((n) => !E164.test(n));
      if (bad >= 0) {
        ctx.addIssue({ code: 'custom', message: `must be comma-separated E.164 phone numbers such as +14155550100,+819012345678: entry ${bad + 1} ${numbers[bad] ? 'is not one' : 'is empty'}` });
      }
    }),
  HOTLINE_ESCALATION_CALLS: optionalString
    .transform((v) => v ?? 'false')
    .pipe(z.enum(['true', 'false'], { message: 'must be true or false' }))
    .transform((v) => v === 'true'),
  HOTLINE_TWILIO_CONNECTION_OVERRIDES: optionalString
    .transform((v) => v?.replace(/^#/, ''))
    .superRefine((v, ctx) => {
      const problem = v === undefined ? null : connectionOverridesProblem(v);
      if (problem) ctx.addIssue({ code: 'custom', message: `must be Twilio connection overrides such as ct=1500&rt=6000&tt=9000&rc=1: ${problem}` });
    }),
});

/** Variables whose values are never repeated in an error message. */
const SECRET_VARIABLES = new Set([
  'TWILIO_AUTH_TOKEN',
  'HOTLINE_SECRET_KEY',
  'HOTLINE_SECRET_KEY_PREVIOUS',
  'HOTLINE_ADMIN_TOKEN',
  // May hold the database's password.
  'HOTLINE_DATABASE_URL',
  // People's phone numbers: not to be printed whole in a log.
  'HOTLINE_ESCALATION_NUMBERS',
]);

/** An origin as a browser sends it: scheme, host and an optional port, nothing after. */
function isOrigin(value: string): boolean {
  try {
    const url = new URL(value);
    return (url.protocol === 'https:' || url.protocol === 'http:') && url.origin === value;
  } catch {
    return false;
  }
}

function isKey(value: string): boolean {
  return /^[A-Za-z0-9+/]+={0,2}$/.test(value) && Buffer.from(value, 'base64').length === 32;
}

export interface Config {
  port: number;
  host: string;
  dbPath: string;
  /**
   * The storage engine: the SQLite file at dbPath (the embedded default), or PostgreSQL when
   * HOTLINE_DATABASE_URL is set (several instances on one database).
   */
  database:
    | { engine: 'sqlite' }
    | { engine: 'postgres'; url: string; poolSize: number; statementTimeoutMs: number; acquireTimeoutMs: number };
  /** The URL Twilio uses to reach this server, without a trailing slash; webhook signatures are checked against it. */
  publicBaseUrl: string;
  twilio: {
    accountSid: string;
    authToken: string;
    apiUrl: string;
    /** False in local mode: the account SID and token were generated, not given, so nothing can be dialed. */
    canPlaceCalls: boolean;
  };
  /** Current key first; older keys only decrypt, for rotation. */
  secretKeys: { current: Buffer; previous: Buffer[] };
  adminToken: string;
  backupNumber: string | undefined;
  callerId: string | undefined;
  /**
   * Who is told when a P1 caller finds nobody (no engineer on duty, or none accepted): each number is
   * texted the callback's reference and deadline, and also called when `calls` is set.
   */
  escalation: { numbers: string[]; calls: boolean };
  /** The callback dialer: claim lease, poll interval, and whether the server process runs it too. */
  dialer: { leaseMs: number; pollMs: number; inServer: boolean };
  statusUrl: string | undefined;
  /** The line-wide guard: this many refused codes across all IDs within the window make it active. */
  verificationGuard: { refusals: number; windowMs: number };
  logLevel: string;
  /** Where generated local secrets live, when any were generated. */
  localSecretsFile: string | undefined;
  localMode: boolean;
  /** Where the current secret key came from: key rotation generates a new one only for the local file. */
  secretKeySource: 'environment' | 'local-file';
  /** How long a write waits for another connection's lock before it fails (and the caller is sent to the backup line). */
  dbBusyTimeoutMs: number;
  /** True: GET /metrics answers without the admin token (for a scraper on a private network). */
  metricsPublic: boolean;
  /** How long a panel session lasts from the moment it is made (HOTLINE_PANEL_SESSION_MINUTES). */
  panelSessionMs: number;
  /** Origins whose pages may frame the customer's panel (HOTLINE_PANEL_ORIGINS); the hotline's own always may. */
  panelOrigins: string[];
  /** Twilio connection overrides added to every webhook URL the server writes into TwiML (docs/operations.md, "Runbook"). */
  connectionOverrides: string | undefined;
  /** Calling codes a typed callback number may be in; undefined: the countries of the line's numbers and the customers' phones. */
  callbackCountries: string[] | undefined;
}

type Env = Record<string, string | undefined>;

/** What the local secrets file holds; keys are base64. */
export interface LocalSecrets {
  twilioAccountSid?: string;
  twilioAuthToken?: string;
  secretKey?: string;
  previousSecretKeys?: string[];
  adminToken?: string;
}

/** Path of the file that keeps generated local secrets, beside the database. */
export function localSecretsPath(dbPath: string): string {
  return join(dirname(resolve(dbPath)), 'hotline.local.json');
}

/** The SQLite file HOTLINE_DB names, read without the rest of the configuration (nothing is generated). */
export function sqliteFileOf(env: Env = process.env): string {
  return envSchema.shape.HOTLINE_DB.parse(env.HOTLINE_DB);
}

/** Parses the environment once; throws ConfigError with one readable line on a bad value. */
export function loadConfig(env: Env = process.env, options: { generateLocal?: boolean } = {}): Config {
  const parsed = envSchema.safeParse(env);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const name = String(issue.path[0] ?? 'environment');
    // Echoing the value helps with a typo in a port or URL, but a near-miss secret must not reach a terminal or log.
    const shown = SECRET_VARIABLES.has(name) ? '' : ` (got ${JSON.stringify(env[name] ?? '')})`;
    throw new ConfigError(`${name}: ${issue.message}${shown}`);
  }
  const v = parsed.data;
  // Instances sharing a database must share these: one generated per instance could not open the others'
  // sealed secrets, nor accept the token they were given.
  if (v.HOTLINE_DATABASE_URL && (!v.HOTLINE_SECRET_KEY || !v.HOTLINE_ADMIN_TOKEN)) {
    throw new ConfigError(
      `with HOTLINE_DATABASE_URL (PostgreSQL), ${[!v.HOTLINE_SECRET_KEY && 'HOTLINE_SECRET_KEY', !v.HOTLINE_ADMIN_TOKEN && 'HOTLINE_ADMIN_TOKEN'].filter(Boolean).join(' and ')} must be set: instances sharing the database share them, so none generates its own`,
    );
  }
  const needsLocal = !v.TWILIO_AUTH_TOKEN || !v.HOTLINE_SECRET_KEY || !v.HOTLINE_ADMIN_TOKEN || !v.TWILIO_ACCOUNT_SID;
  let local: LocalSecrets = {};
  let localFile: string | undefined;
  if (needsLocal && options.generateLocal !== false) {
    localFile = localSecretsPath(v.HOTLINE_DB);
    local = loadOrCreateLocalSecrets(localFile, {
      twilioAccountSid: v.TWILIO_ACCOUNT_SID ? undefined : `AC${randomBytes(16).toString('hex')}`,
      twilioAuthToken: v.TWILIO_AUTH_TOKEN ? undefined : randomBytes(16).toString('hex'),
      secretKey: v.HOTLINE_SECRET_KEY ? undefined : randomBytes(32).toString('base64'),
      adminToken: v.HOTLINE_ADMIN_TOKEN ? undefined : randomBytes(24).toString('base64url'),
    });
  }
  if (localFile) {
    checkLocalSecrets(localFile, {
      twilioAccountSid: v.TWILIO_ACCOUNT_SID ? undefined : local.twilioAccountSid,
      twilioAuthToken: v.TWILIO_AUTH_TOKEN ? undefined : local.twilioAuthToken,
      adminToken: v.HOTLINE_ADMIN_TOKEN ? undefined : local.adminToken,
      secretKey: v.HOTLINE_SECRET_KEY ? undefined : local.secretKey,
      previousSecretKeys: v.HOTLINE_SECRET_KEY ? undefined : local.previousSecretKeys,
    });
  }
  const secretKey = v.HOTLINE_SECRET_KEY ?? local.secretKey;
  const authToken = v.TWILIO_AUTH_TOKEN ?? local.twilioAuthToken;
  const adminToken = v.HOTLINE_ADMIN_TOKEN ?? local.adminToken;
  const accountSid = v.TWILIO_ACCOUNT_SID ?? local.twilioAccountSid;
  if (!secretKey || !authToken || !adminToken || !accountSid) {
    throw new ConfigError('TWILIO_AUTH_TOKEN, HOTLINE_SECRET_KEY and HOTLINE_ADMIN_TOKEN must be set');
  }
  const previous = [
    ...(v.HOTLINE_SECRET_KEY_PREVIOUS?.split(',').map((k) => k.trim()) ?? []),
    ...(v.HOTLINE_SECRET_KEY ? [] : (local.previousSecretKeys ?? [])),
  ];
  return {
    port: v.PORT,
    // Local mode runs with generated secrets and a demo agent: reachable from this machine only, unless HOST says otherwise.
    host: v.HOST ?? (localFile !== undefined ? '127.0.0.1' : '0.0.0.0'),
    dbPath: v.HOTLINE_DB,
    database: v.HOTLINE_DATABASE_URL
      ? {
          engine: 'postgres',
          url: v.HOTLINE_DATABASE_URL,
          poolSize: v.HOTLINE_DB_POOL_SIZE,
          statementTimeoutMs: v.HOTLINE_DB_STATEMENT_TIMEOUT_MS,
          acquireTimeoutMs: v.HOTLINE_DB_ACQUIRE_TIMEOUT_MS,
        }
      : { engine: 'sqlite' },
    publicBaseUrl: (v.PUBLIC_BASE_URL ?? `http://localhost:${v.PORT}`).replace(/\/+$/, ''),
    twilio: {
      accountSid,
      authToken,
      apiUrl: v.HOTLINE_TWILIO_API_URL.replace(/\/+$/, ''),
      canPlaceCalls: Boolean(v.TWILIO_ACCOUNT_SID && v.TWILIO_AUTH_TOKEN),
    },
    secretKeys: {
      current: Buffer.from(secretKey, 'base64'),
      previous: previous.map((k) => Buffer.from(k, 'base64')),
    },
    adminToken,
    backupNumber: v.HOTLINE_BACKUP_NUMBER,
    callerId: v.HOTLINE_CALLER_ID,
    escalation: { numbers: [...new Set(v.HOTLINE_ESCALATION_NUMBERS)], calls: v.HOTLINE_ESCALATION_CALLS },
    dialer: {
      leaseMs: v.HOTLINE_DIALER_LEASE_SECONDS * 1000,
      pollMs: v.HOTLINE_DIALER_POLL_MS,
      inServer: v.HOTLINE_DIALER_IN_SERVER,
    },
    statusUrl: v.HOTLINE_STATUS_URL,
    verificationGuard: { refusals: v.HOTLINE_GUARD_REFUSED_CODES, windowMs: v.HOTLINE_GUARD_WINDOW_MINUTES * 60_000 },
    logLevel: v.LOG_LEVEL,
    localSecretsFile: localFile,
    localMode: localFile !== undefined,
    secretKeySource: v.HOTLINE_SECRET_KEY ? 'environment' : 'local-file',
    dbBusyTimeoutMs: v.HOTLINE_DB_BUSY_TIMEOUT_MS,
    metricsPublic: v.HOTLINE_METRICS_PUBLIC,
    panelSessionMs: v.HOTLINE_PANEL_SESSION_MINUTES * 60_000,
    panelOrigins: v.HOTLINE_PANEL_ORIGINS,
    connectionOverrides: v.HOTLINE_TWILIO_CONNECTION_OVERRIDES,
    callbackCountries: v.HOTLINE_CALLBACK_COUNTRIES,
  };
}

/**
 * The values about to be used from the local secrets file (a hand-edited or damaged file) pass the same
 * rules as their variables; the message names the file and the entry, never the value.
 */
function checkLocalSecrets(file: string, used: LocalSecrets): void {
  const refuse = (entry: keyof LocalSecrets, message: string) => {
    throw new ConfigError(`local secrets file ${file}: ${entry} ${message}; fix it, or restore the file from a backup`);
  };
  const check = (entry: keyof LocalSecrets, value: unknown, rule: { valid: (v: string) => boolean; message: string }) => {
    if (value !== undefined && !(typeof value === 'string' && rule.valid(value))) refuse(entry, rule.message);
  };
  check('twilioAccountSid', used.twilioAccountSid, SECRET_RULES.accountSid);
  check('twilioAuthToken', used.twilioAuthToken, SECRET_RULES.authToken);
  check('adminToken', used.adminToken, SECRET_RULES.adminToken);
  check('secretKey', used.secretKey, SECRET_RULES.secretKey);
  const previous: unknown = used.previousSecretKeys ?? [];
  if (!Array.isArray(previous)) refuse('previousSecretKeys', 'must be a list of keys');
  for (const key of previous as unknown[]) check('previousSecretKeys', key, SECRET_RULES.secretKey);
}

function loadOrCreateLocalSecrets(file: string, fresh: LocalSecrets): LocalSecrets {
  let stored: LocalSecrets = {};
  if (existsSync(file)) {
    try {
      stored = JSON.parse(readFileSync(file, 'utf8')) as LocalSecrets;
    } catch {
      throw new ConfigError(`local secrets file ${file} is not valid JSON: fix or remove it`);
    }
  }
  const merged: LocalSecrets = { ...stored };
  let changed = false;
  for (const key of ['twilioAccountSid', 'twilioAuthToken', 'secretKey', 'adminToken'] as const) {
    if (fresh[key] !== undefined && merged[key] === undefined) {
      merged[key] = fresh[key];
      changed = true;
    }
  }
  if (changed) writeLocalSecrets(file, merged);
  return merged;
}

/**
 * Writes the local secrets file with mode 0600. It holds the only copy of the local key, so it is
 * written beside the target and renamed over it: a crash mid-write leaves the old file, never half a key.
 */
export function writeLocalSecrets(file: string, secrets: LocalSecrets): void {
  mkdirSync(dirname(file), { recursive: true });
  const temp = `${file}.${process.pid}.tmp`;
  const fd = openSync(temp, 'w', 0o600);
  try {
    writeFileSync(fd, `${JSON.stringify(secrets, null, 2)}\n`);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  chmodSync(temp, 0o600);
  renameSync(temp, file);
}

/** Reads the local secrets file (for key rotation in local mode). */
export function readLocalSecrets(file: string): LocalSecrets {
  return JSON.parse(readFileSync(file, 'utf8')) as LocalSecrets;
}
