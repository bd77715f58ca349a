import { execFileSync, spawn } from 'node:child_process';
import { rmSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { countdownLine, liveCountdown } from '../../src/cli/countdown.js';
import { codeForStep, secondsLeftInStep, TOTP_PERIOD_SECONDS, timeStepAt } from '../../src/domain/totp.js';
import { tempDir } from '../support/harness.js';
import { hotline, productionEnv } from './support/cli.js';
import { cleanEnv, CLI, finished } from './support/processes.js';

const SECRET = Buffer.from('12345678901234567890');
const read = () => {
  const now = Date.now();
  return { customerId: '79927398713', code: codeForStep(SECRET, timeStepAt(now)), period: TOTP_PERIOD_SECONDS, expiresInSeconds: secondsLeftInStep(now) };
};

describe('the live countdown of `hotline token`', () => {
  beforeEach(() => {
    vi.useFakeTimers({ now: Date.UTC(2026, 10, 23, 12, 0, 27, 400) });
  });
  afterEach(() => vi.useRealTimers());

  it('redraws one line every second and shows the next code when the 30 seconds are over, until stopped', async () => {
    const frames: string[] = [];
    const stop = new AbortController();
    const done = liveCountdown({ read, write: (t) => frames.push(t), now: Date.now, signal: stop.signal });
    await vi.advanceTimersByTimeAsync(3_000);
    stop.abort();
    await done;

    const lines = frames.filter((f) => f.startsWith('\r\x1b[2K')).map((f) => f.slice(5));
    expect(lines.map((l) => / (\d+)s$/.exec(l)![1])).toEqual(['3', '2', '1', '30']);
    const before = codeForStep(SECRET, timeStepAt(Date.UTC(2026, 10, 23, 12, 0, 29)));
    const after = codeForStep(SECRET, timeStepAt(Date.UTC(2026, 10, 23, 12, 0, 30)));
    expect(lines[2]).toContain(`code ${before.slice(0, 3)} ${before.slice(3)}`);
    expect(lines[3]).toContain(`code ${after.slice(0, 3)} ${after.slice(3)}`);
    // The cursor is hidden while drawing and given back, on a fresh line, when it stops.
    expect(frames[0]).toBe('\x1b[?25l');
    expect(frames.at(-1)).toBe('\n\x1b[?25h');
  });

  it('draws the seconds left as a bar the width of the period', () => {
    expect(countdownLine({ customerId: '79927398713', code: '287082', period: 30, expiresInSeconds: 10 })).toBe(
      `Customer ID 79927398713   code 287 082   [${'#'.repeat(10)}${'.'.repeat(20)}] 10s`,
    );
  });
});

// A real terminal, through script(1) where it exists: the CLI redraws until Ctrl-C and exits 0.
const hasScript = (() => {
  try {
    execFileSync('script', ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
})();

describe.runIf(hasScript)('hotline token in a terminal', () => {
  let dir: string;
  beforeEach(() => {
    dir = tempDir();
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('redraws the code every second until Ctrl-C, then exits 0', async () => {
    const env = productionEnv(dir);
    const { customerId } = (await hotline(['customers', 'add', '--name', 'Acme', '--plan', 'enterprise', '--json'], { cwd: dir, env })).json();
    // script gives the CLI a pseudo-terminal; a Ctrl-C byte written to it reaches the CLI as SIGINT
    // (through exec, so no shell in between takes the signal first).
    const child = spawn('script', ['-qfec', `exec node ${CLI} token ${customerId}`, '/dev/null'], { cwd: dir, env: cleanEnv(env) });
    const exited = finished(child);
    let output = '';
    await new Promise<void>((resolve) => {
      child.stdout.on('data', (d: Buffer) => {
        output += d.toString('utf8');
        if (output.split('\x1b[2K').length > 2) resolve();
      });
      child.on('exit', () => resolve()); // drew nothing: the assertions below say so
    });
    child.stdin.write('\x03');
    const res = await exited;

    const frames = res.stdout.split('\x1b[2K').slice(1);
    expect(frames.length).toBeGreaterThanOrEqual(2);
    for (const frame of frames) expect(frame).toMatch(new RegExp(`^Customer ID ${customerId}   code \\d{3} \\d{3}   \\[[#.]{30}\\]\\s+\\d+s`));
    expect(res.stdout).toContain('\x1b[?25h');
    expect(res.code).toBe(0);
  });
});
