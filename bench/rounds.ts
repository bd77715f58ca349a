/**
 * A comparison's loads in rounds (npm run bench -- --compare REF): each judged scenario's window cut
 * into parts, played to the two servers in turn, the order changing from round to round, and each
 * server's parts put back together into one run before anything is judged.
 *
 * Why: one window per server, this code's first and REF's right after, put the two in different
 * moments of the machine, and the first load after the warm-ups is the slower one. Measured with the
 * same commit on both sides (REF = HEAD, 2026-12-06), the server that ran first used 1.11-1.29x the
 * CPU per request of the one that ran second and had 1.64-1.95x its paced p99 in three runs out of
 * three; with REF played first, REF used 1.11x the CPU of this code (its p99 0.95x). In rounds ordered new-REF, REF-new, REF-new,
 * new-REF, new-REF, REF-new, each server has the first turn of three rounds and the mean position of
 * its parts is the same, so a slow spell or a trend over the run falls on both alike.
 */
import type { LoadResult } from './loadgen.js';
import type { ServerSide } from './serverMetrics.js';

/**
 * Rounds of a judged scenario in a comparison, and how many times the scenario's own window each
 * server gets in all. A paced p99 is the 300th slowest of 30,000 answers, made by a few stalls of the
 * event loop (a slow fsync, a collection): the same commit against itself in four rounds of 8 s gave
 * 1.16x and 0.79x in two runs. Twice the window, in six rounds, halves what one stall weighs.
 */
export const COMPARE_ROUNDS = 6;
export const COMPARE_WINDOW_FACTOR = 2;

/** Who plays first in round `round` (0-based): new-REF, REF-new, REF-new, new-REF, then again. */
export function roundOrder(round: number): ['new', 'ref'] | ['ref', 'new'] {
  return round % 4 === 0 || round % 4 === 3 ? ['new', 'ref'] : ['ref', 'new'];
}

/** Each part's window in whole seconds (at least 1): the scenario's window times COMPARE_WINDOW_FACTOR, cut into `rounds`. */
export function partSeconds(seconds: number, rounds: number): number {
  return Math.max(1, Math.round((seconds * COMPARE_WINDOW_FACTOR) / rounds));
}

/** Merges sorted arrays of numbers into one sorted array. */
function mergeSorted(arrays: number[][]): number[] {
  return arrays.flat().sort((a, b) => a - b);
}

/**
 * One server's parts as one run: answers pooled (the p99 of all of them, not a mean of p99s), counts,
 * CPU and windows added. A step's slowest answer is the slowest of any part, its time of sending
 * counted from the opening of that part's window.
 */
export function mergeLoadResults(parts: LoadResult[]): LoadResult {
  if (parts.length === 0) throw new Error('no parts to merge');
  if (parts.length === 1) return parts[0]!;
  const sum = (pick: (r: LoadResult) => number) => parts.reduce((total, r) => total + pick(r), 0);
  const stepNames = Object.keys(parts[0]!.steps);
  const steps: LoadResult['steps'] = {};
  for (const name of stepNames) {
    const of = parts.map((r) => r.steps[name]!);
    const slowestPart = of.reduce((a, b) => ((b.latencies.at(-1) ?? -1) > (a.latencies.at(-1) ?? -1) ? b : a));
    const firstFailure = of.find((s) => s.firstFailure)?.firstFailure;
    steps[name] = {
      count: of.reduce((t, s) => t + s.count, 0),
      failed: of.reduce((t, s) => t + s.failed, 0),
      latencies: mergeSorted(of.map((s) => s.latencies)),
      slowestSentAtMs: slowestPart.slowestSentAtMs,
      ...(firstFailure && { firstFailure }),
    };
  }
  const socketErrorCodes: Record<string, number> = {};
  for (const r of parts) for (const [code, n] of Object.entries(r.socketErrorCodes)) socketErrorCodes[code] = (socketErrorCodes[code] ?? 0) + n;
  return {
    windowMs: sum((r) => r.windowMs),
    inWindow: sum((r) => r.inWindow),
    steps,
    priorityVerbs: { dial: sum((r) => r.priorityVerbs.dial), enqueue: sum((r) => r.priorityVerbs.enqueue) },
    timeouts: sum((r) => r.timeouts),
    socketErrors: sum((r) => r.socketErrors),
    socketErrorCodes,
    exhaustedConnections: sum((r) => r.exhaustedConnections),
    serverCpuUs: sum((r) => r.serverCpuUs),
    serverSystemCpuUs: sum((r) => r.serverSystemCpuUs),
    loadgenCpuUs: sum((r) => r.loadgenCpuUs),
    databaseCpuUs: sum((r) => r.databaseCpuUs),
    databaseSystemCpuUs: sum((r) => r.databaseSystemCpuUs),
    machineBusyUs: sum((r) => r.machineBusyUs),
    kernelThreadsUs: sum((r) => r.kernelThreadsUs),
    rampLatencies: mergeSorted(parts.map((r) => r.rampLatencies)),
  };
}

/** The server's own account over its parts: counts added, shares of time weighted by each part's length. */
export function mergeServerSide(parts: Array<{ server: ServerSide; ms: number }>): ServerSide {
  if (parts.length === 1) return parts[0]!.server;
  const sum = (pick: (s: ServerSide) => number) => parts.reduce((total, p) => total + pick(p.server), 0);
  const ms = parts.reduce((total, p) => total + p.ms, 0);
  const share = (pick: (s: ServerSide) => number) => Math.round((parts.reduce((t, p) => t + pick(p.server) * p.ms, 0) / (ms || 1)) * 1000) / 1000;
  const commits = sum((s) => s.commits);
  return {
    commits,
    webhooksPerCommit: commits ? Math.round((parts.reduce((t, p) => t + p.server.webhooksPerCommit * p.server.commits, 0) / commits) * 100) / 100 : 0,
    commitShare: share((s) => s.commitShare),
    commitsOver3ms: sum((s) => s.commitsOver3ms),
    commitsOver10ms: sum((s) => s.commitsOver10ms),
    gcPauses: sum((s) => s.gcPauses),
    gcShare: share((s) => s.gcShare),
    gcPausesOver10ms: sum((s) => s.gcPausesOver10ms),
  };
}
