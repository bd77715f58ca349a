/**
 * npm run bench -- --compare REF judges this code against another commit from rounds: each server's
 * parts put back together. The verdict is only as fair as the order of the turns and the merging.
 */
import { describe, expect, it } from 'vitest';
import type { LoadResult } from '../../bench/loadgen.js';
import { summarise } from '../../bench/report.js';
import { COMPARE_ROUNDS, mergeLoadResults, mergeServerSide, partSeconds, roundOrder } from '../../bench/rounds.js';
import { STEPS } from '../../bench/requests.js';

/** A part in which every step answered `n` requests, in `us` microseconds each, one of them slowest at `slowUs`. */
function part(n: number, us: number, slowUs: number, extra: Partial<LoadResult> = {}): LoadResult {
  const latencies = [...Array.from({ length: n - 1 }, () => us), slowUs];
  return {
    windowMs: 8_000,
    inWindow: n * STEPS.length,
    steps: Object.fromEntries(STEPS.map((step) => [step, { count: n, failed: 0, latencies: [...latencies], slowestSentAtMs: slowUs / 1000 }])),
    priorityVerbs: { dial: 1, enqueue: n - 1 },
    timeouts: 0,
    socketErrors: 0,
    socketErrorCodes: {},
    exhaustedConnections: 0,
    serverCpuUs: n * STEPS.length * 500,
    serverSystemCpuUs: n * STEPS.length * 100,
    loadgenCpuUs: 0,
    databaseCpuUs: 0,
    databaseSystemCpuUs: 0,
    machineBusyUs: n * STEPS.length * 600,
    kernelThreadsUs: 0,
    rampLatencies: [us],
    ...extra,
  };
}

const summary = (r: LoadResult) => summarise(r, { peakRssKb: 0, otherLoadCores: 0, kernelThreadCores: 0 });

describe('a comparison in rounds', () => {
  it('gives each server the first turn as often as the other, and the same mean position', () => {
    const positions = { new: [] as number[], ref: [] as number[] };
    const firsts = { new: 0, ref: 0 };
    for (let round = 0; round < COMPARE_ROUNDS; round++) {
      const order = roundOrder(round);
      firsts[order[0]]++;
      order.forEach((who, i) => positions[who].push(2 * round + i));
      expect(new Set(order)).toEqual(new Set(['new', 'ref']));
    }
    expect(firsts.new).toBe(firsts.ref);
    const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);
    expect(sum(positions.new)).toBe(sum(positions.ref));
    // The very first turn after the warm-ups is not always the same server's from one round to the next.
    expect(roundOrder(0)[0]).not.toBe(roundOrder(1)[0]);
  });

  it("gives each server twice the scenario's window, in whole seconds", () => {
    expect(partSeconds(30, COMPARE_ROUNDS) * COMPARE_ROUNDS).toBe(60);
    expect(partSeconds(10, COMPARE_ROUNDS)).toBe(3);
    expect(partSeconds(1, COMPARE_ROUNDS)).toBe(1);
  });

  it('takes the p99 of all the answers pooled, not the mean of the parts', () => {
    // 1,000 answers a step at 1 ms in each of three parts, and a fourth in a slow spell: 100 at 20 ms.
    const quick = [part(1000, 1000, 1000), part(1000, 1000, 1000), part(1000, 1000, 1000)];
    const slow = part(100, 20_000, 40_000);
    const merged = summary(mergeLoadResults([...quick, slow]));
    // 3,100 answers a step: the slowest 1% (31) all fall in the slow part.
    expect(merged.overall.p99Ms).toBe(20);
    expect(merged.overall.maxMs).toBe(40);
    expect(merged.overall.count).toBe(3100 * STEPS.length);
    expect(merged.steps.code!.count).toBe(3100);
    expect(merged.slowestSentAtMs.code).toBe(40);
    // CPU per request over all the parts' answers: they all cost 500 us.
    expect(merged.serverCpuUsPerRequest).toBe(500);
    expect(merged.priorityVerbs).toEqual({ dial: 4, enqueue: 3 * 999 + 99 });
    // Throughput over the four windows together.
    expect(merged.overall.requestsPerSecond).toBe(Math.round((3100 * STEPS.length) / 32));
    expect(merged.ramp).toBeUndefined();
    // Without the slow part, the p99 is the quick parts'.
    expect(summary(mergeLoadResults(quick)).overall.p99Ms).toBe(1);
  });

  it("keeps every part's failures and socket errors", () => {
    const failing = part(10, 1000, 1000, { timeouts: 2, socketErrors: 1, socketErrorCodes: { ECONNRESET: 1 } });
    failing.steps.id = { ...failing.steps.id!, failed: 3, firstFailure: 'id: 500' };
    const merged = mergeLoadResults([part(10, 1000, 1000, { socketErrors: 1, socketErrorCodes: { ECONNRESET: 1 } }), failing]);
    expect(merged.steps.id!.failed).toBe(3);
    expect(merged.steps.id!.firstFailure).toBe('id: 500');
    expect(merged.timeouts).toBe(2);
    expect(merged.socketErrorCodes).toEqual({ ECONNRESET: 2 });
  });

  it("weighs the server's own shares of time by each part's length", () => {
    const account = (commits: number, commitShare: number) => ({
      commits,
      webhooksPerCommit: 1,
      commitShare,
      commitsOver3ms: 1,
      commitsOver10ms: 0,
      gcPauses: 10,
      gcShare: 0.01,
      gcPausesOver10ms: 0,
    });
    const merged = mergeServerSide([
      { server: account(100, 0.3), ms: 3000 },
      { server: account(100, 0.1), ms: 1000 },
    ]);
    expect(merged.commits).toBe(200);
    expect(merged.commitShare).toBe(0.25);
    expect(merged.commitsOver3ms).toBe(2);
    expect(merged.gcPauses).toBe(20);
  });
});
