import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { cleanEnv, finished, MAIN, ServerLog, type Finished } from '../../foundation/support/processes.js';
import { TEST_ACCOUNT_SID, TEST_ADMIN_TOKEN, TEST_AUTH_TOKEN } from '../../support/harness.js';
import type { Target } from './webhooks.js';

/**
 * The public URL the child server believes it has: Twilio signs against it and action URLs carry it,
 * while the test connects to the real port, as a proxy in front of the server would.
 */
export const PUBLIC_URL = 'https://hotline.test';

/** Fixed secrets, so a restarted server on the same database opens the same sealed secrets. */
export function childEnv(dir: string, env: Record<string, string> = {}): Record<string, string> {
  return {
    PORT: '0',
    HOST: '127.0.0.1',
    HOTLINE_DB: join(dir, 'hotline.sqlite'),
    PUBLIC_BASE_URL: PUBLIC_URL,
    TWILIO_ACCOUNT_SID: TEST_ACCOUNT_SID,
    TWILIO_AUTH_TOKEN: TEST_AUTH_TOKEN,
    HOTLINE_SECRET_KEY: Buffer.alloc(32, 7).toString('base64'),
    HOTLINE_ADMIN_TOKEN: TEST_ADMIN_TOKEN,
    HOTLINE_BACKUP_NUMBER: '+15555550123',
    LOG_LEVEL: 'info',
    ...env,
  };
}

export interface ChildServer extends Target {
  child: ChildProcess;
  log: ServerLog;
  exited: Promise<Finished>;
  /** Calls the admin API. */
  api(method: string, path: string, body?: unknown): Promise<{ status: number; body: any }>;
}

const ROOT = join(import.meta.dirname, '..', '..', '..');

/**
 * The server as one process, `node --import tsx src/main.ts`, on a directory's database; resolves once
 * it listens. One process, not the tsx launcher, so a SIGKILL reaches the server itself.
 */
export async function startChild(dir: string, env: Record<string, string> = {}): Promise<ChildServer> {
  const child = spawn(process.execPath, ['--import', 'tsx', MAIN], { cwd: ROOT, env: cleanEnv(childEnv(dir, env)), stdio: ['ignore', 'pipe', 'pipe'] });
  const exited = finished(child);
  const log = new ServerLog(child);
  const listening = await Promise.race([
    log.waitFor(/^hotline listening$/, 20_000),
    exited.then((f) => Promise.reject(new Error(`server exited (${f.code}) before listening: ${f.stderr}`))),
  ]);
  const url = `http://127.0.0.1:${listening.port as number}`;
  return {
    url,
    publicBaseUrl: PUBLIC_URL,
    authToken: TEST_AUTH_TOKEN,
    child,
    log,
    exited,
    async api(method, path, body) {
      const res = await fetch(url + path, {
        method,
        headers: { authorization: `Bearer ${TEST_ADMIN_TOKEN}`, ...(body !== undefined && { 'content-type': 'application/json' }) },
        ...(body !== undefined && { body: JSON.stringify(body) }),
      });
      return { status: res.status, body: await res.json() };
    },
  };
}
