import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { loadConfig } from '../../../src/config.js';
import { createHotline, type Hotline } from '../../../src/hotline.js';
import { createLogger } from '../../../src/logger.js';
import { TEST_ACCOUNT_SID, TEST_ADMIN_TOKEN, TEST_AUTH_TOKEN } from '../../support/harness.js';
import { cleanEnv, CLI, finished, type Finished } from './processes.js';

export interface CliRun extends Finished {
  /** stdout parsed as the one JSON document --json promises. */
  json(): any;
}

/** Runs the installed `hotline` command (node bin/hotline.js) as an operator would. */
export async function hotline(args: string[], options: { cwd: string; env?: Record<string, string> }): Promise<CliRun> {
  const child = spawn(process.execPath, [CLI, ...args], { cwd: options.cwd, env: cleanEnv(options.env ?? {}), stdio: ['ignore', 'pipe', 'pipe'] });
  const result = await finished(child);
  return { ...result, json: () => JSON.parse(result.stdout) };
}

/** A production-style environment for the CLI: every secret given, the database in `dir`. */
export function productionEnv(dir: string, secretKey = randomBytes(32).toString('base64')): Record<string, string> {
  return {
    HOTLINE_DB: join(dir, 'hotline.sqlite'),
    HOTLINE_SECRET_KEY: secretKey,
    HOTLINE_ADMIN_TOKEN: TEST_ADMIN_TOKEN,
    TWILIO_AUTH_TOKEN: TEST_AUTH_TOKEN,
    TWILIO_ACCOUNT_SID: TEST_ACCOUNT_SID,
  };
}

/** The service over the CLI's database with the real clock, as the server would open it with this environment. */
export function serviceFor(env: Record<string, string>): Hotline {
  return createHotline({ config: loadConfig(env), logger: createLogger('silent') });
}
