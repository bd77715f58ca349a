import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import type { Harness } from '../support/harness.js';
import { TEST_ACCOUNT_SID, TEST_ADMIN_TOKEN, TEST_AUTH_TOKEN } from '../support/harness.js';
import type { TwilioStandIn } from '../support/twilioStandIn.js';
import { CALLER_ID } from './support.js';

/** `npm run worker` as its own process over the harness's database, dialing through the stand-in. */
export class WorkerProcess {
  readonly lines: string[] = [];
  readonly exited: Promise<number | null>;
  private readonly child: ChildProcess;

  constructor(h: Harness, twilio: TwilioStandIn, env: Record<string, string> = {}) {
    // node --import tsx, not the tsx CLI: the CLI runs the script in a second process a SIGKILL would miss.
    this.child = spawn(process.execPath, ['--import', 'tsx', 'src/dialer/main.ts'], {
      cwd: process.cwd(),
      env: {
        PATH: process.env.PATH ?? '',
        HOTLINE_DB: h.config.dbPath,
        PUBLIC_BASE_URL: h.config.publicBaseUrl,
        TWILIO_ACCOUNT_SID: TEST_ACCOUNT_SID,
        TWILIO_AUTH_TOKEN: TEST_AUTH_TOKEN,
        HOTLINE_SECRET_KEY: randomBytes(32).toString('base64'),
        HOTLINE_ADMIN_TOKEN: TEST_ADMIN_TOKEN,
        HOTLINE_TWILIO_API_URL: twilio.url,
        HOTLINE_CALLER_ID: CALLER_ID,
        HOTLINE_DIALER_LEASE_SECONDS: '2',
        HOTLINE_DIALER_POLL_MS: '100',
        LOG_LEVEL: 'info',
        ...env,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const collect = (chunk: Buffer) => this.lines.push(...chunk.toString('utf8').split('\n').filter(Boolean));
    this.child.stdout!.on('data', collect);
    this.child.stderr!.on('data', collect);
    this.exited = new Promise((resolve) => this.child.once('exit', (code) => resolve(code)));
  }

  get pid(): number {
    return this.child.pid!;
  }

  /** kill -9: no handler runs, nothing is flushed or closed. */
  async kill9(): Promise<void> {
    this.child.kill('SIGKILL');
    await this.exited;
  }

  async stop(): Promise<number | null> {
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill('SIGTERM');
    return this.exited;
  }

  logged(message: string): boolean {
    return this.lines.some((l) => l.includes(message));
  }
}
