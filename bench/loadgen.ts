/**
 * The load generator: keeps N keep-alive connections, each walking its own pre-built calls step by
 * step (a call's next request goes out only when the answer to its previous one is in, as Twilio
 * does), closed loop or paced at a fixed total rate (wrk2-style, corrected for coordinated omission),
 * paced with the calls' steps evenly mixed at every moment.
 *
 * Run as its own process, pinned to its own core:  node --import tsx bench/loadgen.ts <spec.json>
 * It writes a JSON summary to spec.out. Requests are read from spec.dir/conn-<n>.req, records of
 * "<step> <bytes>\n<raw request>", written by bench/requests.ts.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { connect, type Socket } from 'node:net';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { STEPS } from './requests.js';
import { cpuTicks, kernelThreadTicks, machineTicks, TICK_US, treeCpuTicks } from './proc.js';

export interface LoadSpec {
  port: number;
  connections: number;
  durationMs: number;
  /** Total requests/s offered, paced per connection; 0 for a closed loop. */
  rate: number;
  /**
   * Paced only: how long the load runs at its full rate before the window opens (at least one call's
   * worth, so that every connection has started). Its answers are not timed, but reported apart.
   */
  rampMs?: number;
  /** Start again at the first call when a connection's calls run out (the floor keeps no state). */
  wrap: boolean;
  /** What an answer must contain: each step's next TwiML verb (hotline) or any TwiML document (floor). */
  expect: 'hotline' | 'floor';
  dir: string;
  out: string;
  /** The server's process, for its CPU time over the measured window. */
  serverPid: number;
  /** PostgreSQL's postmaster, for the CPU time of the cluster (it and every backend) over the window. */
  databasePid?: number;
}

export interface StepResult {
  count: number;
  failed: number;
  /** Latencies in microseconds, sorted. */
  latencies: number[];
  /** When the slowest request of this step was sent, in ms from the opening of the window: a start-up burst shows as ~0. */
  slowestSentAtMs: number;
  firstFailure?: string;
}

export interface LoadResult {
  windowMs: number;
  /** Answers that arrived inside the window: the throughput. */
  inWindow: number;
  steps: Record<string, StepResult>;
  priorityVerbs: { dial: number; enqueue: number };
  timeouts: number;
  socketErrors: number;
  /** Socket errors by code (ECONNRESET, ...), and connections the server closed while a request waited. */
  socketErrorCodes: Record<string, number>;
  exhaustedConnections: number;
  serverCpuUs: number;
  /** The part of serverCpuUs spent in the kernel: system calls (the commits' writes and fsyncs, the sockets). */
  serverSystemCpuUs: number;
  loadgenCpuUs: number;
  /** PostgreSQL's processes (spec.databasePid and its children), 0 without one; and the part in the kernel. */
  databaseCpuUs: number;
  databaseSystemCpuUs: number;
  /** CPU time of the whole machine over the window, to tell what else was running. */
  machineBusyUs: number;
  /** CPU time of the kernel's threads over the window (disk flushes for the server's fsyncs, mostly). */
  kernelThreadsUs: number;
  /** Paced only: the answers to requests sent before the window opened (the ramp), in microseconds, sorted. */
  rampLatencies: number[];
}

/** Twilio gives up on a webhook after 15 s; an answer later than that is a failure. */
const ANSWER_TIMEOUT_MS = 15_000;
const HEADER_END = Buffer.from('\r\n\r\n');
const LAST_CHUNK = Buffer.from('\r\n0\r\n\r\n');
const EXPECT: Record<string, Buffer[]> = {
  incoming: [Buffer.from('<Gather')], // askId
  id: [Buffer.from('numDigits="6"')], // askCode: the ID was accepted
  code: [Buffer.from('numDigits="1"')], // askPriority: the code was verified
  priority: [Buffer.from('<Dial'), Buffer.from('<Enqueue')], // an agent is dialled, or all are busy and the caller queues
};
const ANY_TWIML = [Buffer.from('<Response')];

interface Record_ {
  step: number;
  raw: Buffer;
}

function readRecords(file: string): Record_[] {
  const data = readFileSync(file);
  const records: Record_[] = [];
  let at = 0;
  while (at < data.length) {
    const nl = data.indexOf(10, at);
    const [name, len] = data.subarray(at, nl).toString('latin1').split(' ');
    const step = STEPS.indexOf(name as (typeof STEPS)[number]);
    const end = nl + 1 + Number(len);
    records.push({ step, raw: data.subarray(nl + 1, end) });
    at = end;
  }
  return records;
}

export function runLoad(spec: LoadSpec): Promise<LoadResult> {
  const latencies: number[][] = STEPS.map(() => []);
  const rampLatencies: number[] = [];
  const counts = STEPS.map(() => 0);
  const failed = STEPS.map(() => 0);
  const firstFailure: Array<string | undefined> = STEPS.map(() => undefined);
  const slowest = STEPS.map(() => ({ us: -1, sentAtMs: 0 }));
  const verbs = { dial: 0, enqueue: 0 };
  let timeouts = 0;
  let socketErrors = 0;
  const socketErrorCodes: Record<string, number> = {};
  let exhausted = 0;
  let inWindow = 0;
  let open = 0;
  let stopping = false;

  // Everything is read before the clock starts.
  const perConnection = Array.from({ length: spec.connections }, (_, n) => readRecords(join(spec.dir, `conn-${n + 1}.req`)));
  const intervalMs = spec.rate > 0 ? (spec.connections / spec.rate) * 1000 : 0;
  // Paced, connection n sends at its own offset within the interval (requests arrive evenly spaced)
  // and starts its first call (n mod 4) intervals late, so that neighbouring connections are a step
  // apart and at any moment about a quarter of the calls is at each step, as the callers of an outage
  // are. Started together, every connection would be at the same step as every other: 200 ms of
  // nothing but codes to check, then 200 ms of nothing but new calls, and so on. The window opens
  // after the ramp: at least one whole call (four intervals) after the start, so every connection has
  // started, and long enough for the start-up burst to pass (see bench/run.ts).
  const cycleMs = intervalMs * STEPS.length;
  const start = performance.now();
  const rampMs = cycleMs > 0 ? Math.max(cycleMs, spec.rampMs ?? 0) : 0;
  const windowFrom = start + rampMs;
  const stopAt = windowFrom + spec.durationMs;
  // Each set when the window opens.
  let cpu0: NodeJS.CpuUsage = { user: 0, system: 0 };
  let server0 = { user: 0, system: 0 };
  let database0 = { user: 0, system: 0 };
  const databaseTicks = () => (spec.databasePid ? treeCpuTicks(spec.databasePid) : { user: 0, system: 0 });
  let machine0 = 0;
  let kernel0 = 0;
  const openWindow = () => {
    cpu0 = process.cpuUsage();
    server0 = cpuTicks(spec.serverPid);
    database0 = databaseTicks();
    machine0 = machineTicks().busy;
    kernel0 = kernelThreadTicks();
  };
  if (rampMs > 0) setTimeout(openWindow, rampMs);
  else openWindow();
  let serverCpuUs = 0;
  let serverSystemCpuUs = 0;
  let databaseCpuUs = 0;
  let databaseSystemCpuUs = 0;
  let machineBusyUs = 0;
  let kernelThreadsUs = 0;
  let loadgenCpuUs = 0;

  return new Promise((resolve) => {
    const finish = () => {
      const steps: Record<string, StepResult> = {};
      STEPS.forEach((name, i) => {
        steps[name] = {
          count: counts[i]!,
          failed: failed[i]!,
          latencies: latencies[i]!.sort((a, b) => a - b),
          slowestSentAtMs: Math.round(slowest[i]!.sentAtMs),
          ...(firstFailure[i] && { firstFailure: firstFailure[i] }),
        };
      });
      resolve({
        windowMs: spec.durationMs,
        inWindow,
        steps,
        priorityVerbs: verbs,
        timeouts,
        socketErrors,
        socketErrorCodes,
        exhaustedConnections: exhausted,
        serverCpuUs,
        serverSystemCpuUs,
        loadgenCpuUs,
        databaseCpuUs,
        databaseSystemCpuUs,
        machineBusyUs,
        kernelThreadsUs,
        rampLatencies: rampLatencies.sort((a, b) => a - b),
      });
    };

    // The window closes: take the CPU readings now, then let answers in flight arrive.
    setTimeout(() => {
      stopping = true;
      const server = cpuTicks(spec.serverPid);
      serverSystemCpuUs = (server.system - server0.system) * TICK_US;
      serverCpuUs = (server.user - server0.user) * TICK_US + serverSystemCpuUs;
      const database = databaseTicks();
      databaseSystemCpuUs = (database.system - database0.system) * TICK_US;
      databaseCpuUs = (database.user - database0.user) * TICK_US + databaseSystemCpuUs;
      machineBusyUs = (machineTicks().busy - machine0) * TICK_US;
      kernelThreadsUs = (kernelThreadTicks() - kernel0) * TICK_US;
      const c = process.cpuUsage(cpu0);
      loadgenCpuUs = c.user + c.system;
    }, rampMs + spec.durationMs);

    const overdue: Array<() => void> = [];
    const sweep = setInterval(() => overdue.forEach((check) => check()), 1000);

    for (let n = 0; n < spec.connections; n++) {
      const records = perConnection[n]!;
      const phase = (n * intervalMs) / spec.connections + (n % STEPS.length) * intervalMs;
      let idx = 0;
      let sent = 0; // requests sent on this connection, for its schedule
      let sentAt = 0;
      let lastAnswer = 0;
      let chunks: Buffer[] = [];
      let buffered = 0;
      let timer: NodeJS.Timeout | undefined; // a paced request waiting for its time
      let awaiting = false;
      const socket: Socket = connect({ host: '127.0.0.1', port: spec.port });
      socket.setNoDelay(true);
      open++;

      const close = () => {
        if (timer) clearTimeout(timer);
        socket.destroy();
      };
      socket.on('close', (hadError: boolean) => {
        if (timer) clearTimeout(timer);
        if (awaiting) {
          // The server closed the connection with a request unanswered: that request failed.
          awaiting = false;
          socketErrors++;
          if (!hadError) socketErrorCodes['closed before answering'] = (socketErrorCodes['closed before answering'] ?? 0) + 1;
          counts[records[idx]!.step]!++;
          failed[records[idx]!.step]!++;
        }
        if (--open === 0) {
          clearInterval(sweep);
          finish();
        }
      });
      socket.on('error', (err: NodeJS.ErrnoException) => {
        // Counted once, on close, if a request was waiting; an error between requests is counted here.
        const code = err.code ?? err.message;
        socketErrorCodes[code] = (socketErrorCodes[code] ?? 0) + 1;
        if (!awaiting) socketErrors++;
      });

      const send = () => {
        if (stopping) return close();
        if (idx >= records.length) {
          if (!spec.wrap) {
            exhausted++;
            return close();
          }
          idx = 0;
        }
        const now = performance.now();
        // A paced request held back by a late answer is timed from when it was due.
        const due = start + phase + sent * intervalMs;
        sentAt = intervalMs > 0 && lastAnswer > due ? due : now;
        sent++;
        awaiting = true;
        socket.write(records[idx]!.raw);
      };
      // Checked by one sweep for all connections rather than a timer per request.
      overdue.push(() => {
        if (!awaiting || performance.now() - sentAt < ANSWER_TIMEOUT_MS) return;
        awaiting = false;
        timeouts++;
        counts[records[idx]!.step]!++;
        failed[records[idx]!.step]!++;
        close();
      });

      const next = () => {
        if (intervalMs === 0) return send();
        const wait = start + phase + sent * intervalMs - performance.now();
        if (wait <= 0) send();
        else timer = setTimeout(send, wait);
      };

      const answered = (status: number, body: Buffer) => {
        awaiting = false;
        const now = performance.now();
        lastAnswer = now;
        const record = records[idx]!;
        const step = record.step;
        const expected = spec.expect === 'floor' ? ANY_TWIML : EXPECT[STEPS[step]!]!;
        const ok = status === 200 && expected.some((e) => body.includes(e));
        // Requests sent before the window opens are not measured; a failure counts wherever it happens.
        const measured = sentAt >= windowFrom;
        if (measured && now <= stopAt) inWindow++;
        if (measured || !ok) counts[step]!++;
        const us = Math.round((now - sentAt) * 1000);
        if (!measured) rampLatencies.push(us);
        else {
          latencies[step]!.push(us);
          if (us > slowest[step]!.us) slowest[step] = { us, sentAtMs: sentAt - windowFrom };
        }
        if (ok) {
          if (STEPS[step] === 'priority') {
            if (body.includes(EXPECT.priority![0]!)) verbs.dial++;
            else verbs.enqueue++;
          }
          idx++;
        } else {
          failed[step]!++;
          firstFailure[step] ??= `${status} ${body.subarray(0, 400).toString()}`;
          // The rest of this call cannot succeed: go on with the next call.
          idx++;
          while (idx < records.length && records[idx]!.step !== 0) idx++;
        }
        next();
      };

      socket.on('data', (chunk: Buffer) => {
        chunks.push(chunk);
        buffered += chunk.length;
        for (;;) {
          const data = chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, buffered);
          const headerEnd = data.indexOf(HEADER_END);
          if (headerEnd < 0) return;
          const head = data.subarray(0, headerEnd).toString('latin1');
          const lengthMatch = /\r\ncontent-length: *(\d+)/i.exec(head);
          const bodyStart = headerEnd + 4;
          let bodyEnd = bodyStart + (lengthMatch ? Number(lengthMatch[1]) : 0);
          if (!lengthMatch && /\r\ntransfer-encoding: *chunked/i.test(head)) {
            // Chunked: the raw chunks are body enough to look for the TwiML in.
            const last = data.indexOf(LAST_CHUNK, headerEnd);
            bodyEnd = last < 0 ? Infinity : last + LAST_CHUNK.length;
          }
          if (data.length < bodyEnd) {
            chunks = [data];
            return;
          }
          const rest = data.subarray(bodyEnd);
          chunks = rest.length ? [rest] : [];
          buffered = rest.length;
          answered(Number(head.slice(9, 12)), data.subarray(bodyStart, bodyEnd));
          if (!rest.length) return;
        }
      });
      socket.on('connect', next);
    }
  });
}

if (process.argv[1]?.endsWith('loadgen.ts') && process.argv[2]) {
  const spec = JSON.parse(readFileSync(process.argv[2]!, 'utf8')) as LoadSpec;
  void runLoad(spec).then((result) => {
    writeFileSync(spec.out, JSON.stringify(result));
    process.exit(0);
  });
}
