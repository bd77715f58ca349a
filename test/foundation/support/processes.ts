import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';

const ROOT = join(import.meta.dirname, '..', '..', '..');
/** The tsx binary `npm start` and `npm run hotline` use. */
export const TSX = join(ROOT, 'node_modules', '.bin', 'tsx');
export const MAIN = join(ROOT, 'src', 'main.ts');
export const CLI = join(ROOT, 'bin', 'hotline.js');

/** A minimal environment: only what is given, so nothing leaks in from the machine running the tests. */
export function cleanEnv(env: Record<string, string>): Record<string, string> {
  return { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp', ...env };
}

export interface Finished {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Collects a child's output until it exits. */
export function finished(child: ChildProcess): Promise<Finished> {
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (d: Buffer) => (stdout += d.toString('utf8')));
  child.stderr?.on('data', (d: Buffer) => (stderr += d.toString('utf8')));
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

/** Runs `npm start`'s command (tsx src/main.ts) in a directory with the given environment. */
export function startServer(cwd: string, env: Record<string, string>): ChildProcess {
  return spawn(TSX, [MAIN], { cwd, env: cleanEnv(env), stdio: ['ignore', 'pipe', 'pipe'] });
}

/** The JSON log lines of a running server, as they arrive. */
export class ServerLog {
  readonly records: Array<Record<string, unknown>> = [];
  private buffer = '';
  private waiters: Array<() => void> = [];

  constructor(child: ChildProcess) {
    child.stdout!.on('data', (d: Buffer) => {
      this.buffer += d.toString('utf8');
      const parts = this.buffer.split('\n');
      this.buffer = parts.pop()!;
      for (const part of parts) if (part.trim()) this.records.push(JSON.parse(part) as Record<string, unknown>);
      for (const wake of this.waiters) wake();
    });
  }

  /** Resolves with the first line whose message matches, waiting for it if need be. */
  waitFor(msg: RegExp, timeoutMs = 15_000): Promise<Record<string, unknown>> {
    return new Promise((resolve, reject) => {
      const check = () => {
        const found = this.records.find((r) => msg.test(String(r.msg)));
        if (!found) return false;
        clearTimeout(timer);
        this.waiters = this.waiters.filter((w) => w !== check);
        resolve(found);
        return true;
      };
      const timer = setTimeout(() => reject(new Error(`no log line like ${msg} within ${timeoutMs} ms`)), timeoutMs);
      if (!check()) this.waiters.push(check);
    });
  }
}
