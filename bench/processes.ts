/** Child processes of the benchmark, each pinned to a core with taskset, and how to stop them. */
import { spawn, type ChildProcess } from 'node:child_process';
import { request } from 'node:http';

export interface Pinned {
  name: string;
  pid: number;
  child: ChildProcess;
  /** What the process printed, for the report when it fails. */
  output(): string;
  /** SIGTERM, then SIGKILL after graceMs; resolves when it has exited. */
  stop(graceMs?: number): Promise<void>;
}

/**
 * Starts `node <args>` on the given core, in `cwd` (default: this process's working directory, where
 * the args' relative paths are read). taskset execs node, so the pid is node's own.
 */
export function startPinned(name: string, core: number, args: string[], env: NodeJS.ProcessEnv, cwd?: string): Pinned {
  const child = spawn('taskset', ['-c', String(core), process.execPath, ...args], { env, stdio: ['ignore', 'pipe', 'pipe'], ...(cwd && { cwd }) });
  let output = '';
  const keep = (chunk: Buffer) => {
    output = (output + chunk.toString()).slice(-20_000);
  };
  child.stdout!.on('data', keep);
  child.stderr!.on('data', keep);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return {
    name,
    pid: child.pid!,
    child,
    output: () => output,
    async stop(graceMs = 10_000) {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
      await exited;
      clearTimeout(timer);
    },
  };
}

/** Resolves once GET path answers 200; rejects after timeoutMs or if the process exits. */
export async function waitHealthy(proc: Pinned, port: number, path: string, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (proc.child.exitCode !== null) throw new Error(`${proc.name} exited:\n${proc.output()}`);
    const status = await new Promise<number>((resolve) => {
      const req = request({ host: '127.0.0.1', port, path, method: 'GET' }, (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      });
      req.on('error', () => resolve(0));
      req.end();
    });
    if (status === 200) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`${proc.name} did not answer ${path} within ${timeoutMs} ms:\n${proc.output()}`);
}

/** Runs `node <args>` on the given core to completion; rejects on a non-zero exit. */
export function runPinned(name: string, core: number, args: string[], env: NodeJS.ProcessEnv, cwd?: string): Promise<void> {
  const proc = startPinned(name, core, args, env, cwd);
  return new Promise((resolve, reject) => {
    proc.child.once('exit', (code) => (code === 0 ? resolve() : reject(new Error(`${name} exited with ${code}:\n${proc.output()}`))));
  });
}
