/** The floor under wrk (Debian's package), as a check on the load generator. */
import { execFile } from 'node:child_process';
import { resolve } from 'node:path';

/** Runs one wrk thread with `connections` connections on `core` against the floor, cycling the requests in `dir`. */
export function floorUnderWrk(
  port: number,
  dir: string,
  connections: number,
  seconds: number,
  core: number,
): Promise<{ requestsPerSecond: number; p99Ms: number } | { skipped: string }> {
  const script = resolve(import.meta.dirname, 'floor-check.lua');
  const args = ['-c', String(core), 'wrk', '-t1', `-c${connections}`, `-d${seconds}s`, '--latency', '-s', script, `http://127.0.0.1:${port}/`];
  return new Promise((done) => {
    execFile('taskset', args, { env: { PATH: process.env.PATH, BENCH_DIR: dir }, timeout: (seconds + 20) * 1000 }, (err, stdout) => {
      if (err) return done({ skipped: /ENOENT|not found|No such file/i.test(String(err)) ? 'wrk is not installed (apt-get install -y wrk)' : String(err).slice(0, 200) });
      const rps = /Requests\/sec:\s+([\d.]+)/.exec(stdout);
      const p99 = /^\s+99%\s+([\d.]+)(us|ms|s)\b/m.exec(stdout);
      if (!rps || !p99) return done({ skipped: `could not read wrk's output: ${stdout.slice(0, 200)}` });
      const unit = { us: 0.001, ms: 1, s: 1000 }[p99[2] as 'us' | 'ms' | 's'];
      done({ requestsPerSecond: Math.round(Number(rps[1])), p99Ms: Number(p99[1]) * unit });
    });
  });
}
