/**
 * The pieces of a multi-instance deployment on this machine: hotline instances as real processes
 * (`node --import tsx src/main.ts`, one process each, so a SIGKILL reaches the server itself) on one
 * PostgreSQL database, and HAProxy in front of them with deploy/haproxy.cfg as it is.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, existsSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { delimiter, join } from 'node:path';

export const ROOT = join(import.meta.dirname, '..', '..');
const MAIN = join(ROOT, 'src', 'main.ts');
export const HAPROXY_CONFIG = join(ROOT, 'deploy', 'haproxy.cfg');

/** HAProxy's binary ($HOTLINE_HAPROXY, or haproxy on the PATH or in /usr/sbin), or undefined when it is not installed. */
export function findHaproxy(): string | undefined {
  if (process.env.HOTLINE_HAPROXY) return process.env.HOTLINE_HAPROXY;
  const dirs = [...(process.env.PATH ?? '').split(delimiter), '/usr/sbin', '/usr/local/sbin'];
  return dirs.map((dir) => join(dir, 'haproxy')).find((path) => existsSync(path));
}

/** `count` distinct free TCP ports on the loopback interface (each held until all are found). */
export async function freePorts(count: number): Promise<number[]> {
  const servers = await Promise.all(
    Array.from({ length: count }, () => {
      const server = createServer();
      return new Promise<typeof server>((resolve, reject) => {
        server.on('error', reject);
        server.listen(0, '127.0.0.1', () => resolve(server));
      });
    }),
  );
  const ports = servers.map((server) => {
    const address = server.address();
    return typeof address === 'object' && address ? address.port : 0;
  });
  await Promise.all(servers.map((server) => new Promise((resolve) => server.close(resolve))));
  return ports;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Polls `url` until it answers 200, or throws after `timeoutMs` (or when `gone()` says the process died). */
async function waitFor200(url: string, timeoutMs: number, gone: () => string | undefined): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const died = gone();
    if (died) throw new Error(died);
    try {
      const res = await fetch(url, { signal: AbortSignal.timeout(1000) });
      await res.arrayBuffer();
      if (res.status === 200) return;
    } catch {
      // Not listening yet.
    }
    if (Date.now() > deadline) throw new Error(`${url} did not answer 200 within ${timeoutMs} ms`);
    await sleep(100);
  }
}

/** Runs a child whose output goes to a log file; `exited` resolves when it ends. */
function run(command: string, args: string[], env: Record<string, string>, logFile: string): { child: ChildProcess; exited: Promise<void> } {
  const log = createWriteStream(logFile, { flags: 'a' });
  const child = spawn(command, args, { cwd: ROOT, env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  child.stdout!.pipe(log, { end: false });
  child.stderr!.pipe(log, { end: false });
  const exited = new Promise<void>((resolve) => child.once('close', () => log.end(resolve)));
  return { child, exited };
}

/** One hotline instance on a fixed port, which can be killed and started again. */
export class Instance {
  private process: { child: ChildProcess; exited: Promise<void> } | undefined;

  constructor(
    readonly name: string,
    readonly port: number,
    private readonly env: Record<string, string>,
    private readonly logFile: string,
  ) {}

  get address(): string {
    return `127.0.0.1:${this.port}`;
  }

  /** Starts the server and resolves once its /readyz answers 200. */
  async start(timeoutMs = 60_000): Promise<void> {
    const started = run(process.execPath, ['--import', 'tsx', MAIN], { ...this.env, HOST: '127.0.0.1', PORT: String(this.port) }, this.logFile);
    this.process = started;
    let code: number | null | undefined;
    started.child.once('exit', (c) => (code = c));
    await waitFor200(`http://${this.address}/readyz`, timeoutMs, () =>
      code === undefined ? undefined : `${this.name} exited (${code}) before it was ready; see ${this.logFile}`,
    );
  }

  /** Sends a signal and waits for the process to end. */
  async stop(signal: NodeJS.Signals): Promise<void> {
    const current = this.process;
    if (!current) return;
    this.process = undefined;
    if (current.child.exitCode === null && current.child.signalCode === null) current.child.kill(signal);
    await current.exited;
  }
}

/** One server's line of HAProxy's statistics. */
export interface ServerStats {
  backend: string;
  server: string;
  status: string;
  /** Requests it is answering now. */
  current: number;
  /** Requests (sessions) sent to it. */
  sessions: number;
  /** Retries HAProxy made after a failure on it, and requests it sent elsewhere instead (redispatches). */
  retries: number;
  redispatches: number;
  /** Answers HAProxy itself could not get from it (connection and response errors). */
  errors: number;
}

/** HAProxy running deploy/haproxy.cfg (plus a statistics listener) in the foreground. */
export class Haproxy {
  private constructor(
    private readonly process: { child: ChildProcess; exited: Promise<void> },
    readonly url: string,
    private readonly statsUrl: string,
  ) {}

  /** Starts HAProxy on `port` in front of the instances, and resolves once every instance is up in its checks. */
  static async start(binary: string, dir: string, port: number, statsPort: number, instances: Instance[]): Promise<Haproxy> {
    // A second file beside the deployment's, so that file runs unchanged: a listener for the statistics.
    const statsConfig = join(dir, 'chaos-stats.cfg');
    writeFileSync(statsConfig, `listen chaos_stats\n    bind 127.0.0.1:${statsPort}\n    stats enable\n    stats uri /\n`);
    const env: Record<string, string> = { HOTLINE_LB_BIND: `127.0.0.1:${port}` };
    instances.forEach((instance, i) => (env[`HOTLINE_INSTANCE_${i + 1}`] = instance.address));
    const started = run(binary, ['-db', '-f', HAPROXY_CONFIG, '-f', statsConfig], env, join(dir, 'haproxy.log'));
    let code: number | null | undefined;
    started.child.once('exit', (c) => (code = c));
    const haproxy = new Haproxy(started, `http://127.0.0.1:${port}`, `http://127.0.0.1:${statsPort}/;csv`);
    const deadline = Date.now() + 30_000;
    for (;;) {
      if (code !== undefined) throw new Error(`haproxy exited (${code}); see ${join(dir, 'haproxy.log')}`);
      const servers = await haproxy.stats().catch(() => []);
      if (instances.every((i) => servers.find((s) => s.server === i.name)?.status === 'UP')) return haproxy;
      if (Date.now() > deadline) throw new Error(`haproxy did not see every instance up within 30 s; see ${join(dir, 'haproxy.log')}`);
      await sleep(100);
    }
  }

  /** The voice backend's servers, as HAProxy's statistics show them now. */
  async stats(): Promise<ServerStats[]> {
    const res = await fetch(this.statsUrl, { signal: AbortSignal.timeout(2000) });
    const [header, ...lines] = (await res.text()).trim().split('\n');
    const names = header!.replace(/^# /, '').split(',');
    const column = (row: string[], name: string) => row[names.indexOf(name)] ?? '';
    return lines
      .map((line) => line.split(','))
      .filter((row) => column(row, 'pxname') === 'voice' && !['FRONTEND', 'BACKEND'].includes(column(row, 'svname')))
      .map((row) => ({
        backend: column(row, 'pxname'),
        server: column(row, 'svname'),
        // UP or DOWN as the checks say; "no check" for the fail-open backups.
        status: column(row, 'status') === 'no check' ? 'no check' : column(row, 'status').split(' ')[0]!,
        current: Number(column(row, 'scur')),
        sessions: Number(column(row, 'stot')),
        retries: Number(column(row, 'wretr')),
        redispatches: Number(column(row, 'wredis')),
        errors: Number(column(row, 'econ')) + Number(column(row, 'eresp')),
      }));
  }

  /** Waits (up to `timeoutMs`) until the named server is answering a request; resolves with whether it is. */
  async waitUntilBusy(server: string, timeoutMs: number): Promise<boolean> {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      if (((await this.stats().catch(() => [])).find((s) => s.server === server)?.current ?? 0) > 0) return true;
    }
    return false;
  }

  /** Waits until the named server's status is `status` in the checks; resolves with when it was seen. */
  async waitForStatus(server: string, status: string, timeoutMs: number): Promise<number> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = (await this.stats().catch(() => [])).find((s) => s.server === server);
      if (found?.status === status) return Date.now();
      if (Date.now() > deadline) throw new Error(`haproxy did not see ${server} ${status} within ${timeoutMs} ms`);
      await sleep(50);
    }
  }

  async stop(): Promise<void> {
    if (this.process.child.exitCode === null && this.process.child.signalCode === null) this.process.child.kill('SIGTERM');
    await this.process.exited;
  }
}
