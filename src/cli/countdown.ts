import type { DashboardCode } from '../domain/customers.js';

/** The code as the dashboard shows it: two groups of three digits, easier to read out on a call. */
export function groupedCode(code: string): string {
  return `${code.slice(0, 3)} ${code.slice(3)}`;
}

/** One line of the countdown: ID, code, and a bar that empties as the code's 30 seconds run out. */
export function countdownLine(c: DashboardCode): string {
  const width = c.period;
  const bar = '#'.repeat(c.expiresInSeconds).padEnd(width, '.');
  return `Customer ID ${c.customerId}   code ${groupedCode(c.code)}   [${bar}] ${String(c.expiresInSeconds).padStart(2)}s`;
}

/**
 * Redraws the current code on one terminal line at every whole second until `signal` aborts, the
 * way the dashboard refreshes it; the code changes on its own when its 30 seconds are over.
 */
export async function liveCountdown({
  read,
  write,
  now,
  signal,
}: {
  read: () => DashboardCode | Promise<DashboardCode>;
  write: (text: string) => void;
  now: () => number;
  signal: AbortSignal;
}): Promise<void> {
  const HIDE_CURSOR = '\x1b[?25l';
  const SHOW_CURSOR = '\x1b[?25h';
  const CLEAR_LINE = '\r\x1b[2K';
  write(HIDE_CURSOR);
  try {
    while (!signal.aborted) {
      write(`${CLEAR_LINE}${countdownLine(await read())}`);
      // Sleep to the next whole second so the seconds shown match the code's real expiry.
      await sleep(1000 - (now() % 1000), signal);
    }
  } finally {
    write(`\n${SHOW_CURSOR}`);
  }
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    }
    signal.addEventListener('abort', done, { once: true });
  });
}
