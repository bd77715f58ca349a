/** Turns load results into per-step statistics, the comparison with the floor, and the printed table. */
import { AGENT_OFFER_HOLD_MS } from '../src/domain/serviceNumbers.js';
import type { LoadResult } from './loadgen.js';
import type { StatementsSummary } from './postgres.js';
import { STEPS } from './requests.js';
import type { ServerSide } from './serverMetrics.js';

export interface Stats {
  requestsPerSecond: number;
  count: number;
  failed: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
}

export interface RunSummary {
  steps: Record<string, Stats>;
  overall: Stats;
  serverCpuUsPerRequest: number;
  /** The part of it spent in the kernel. */
  serverSystemCpuUsPerRequest: number;
  loadgenCpuUsPerRequest: number;
  /**
   * With PostgreSQL (npm run bench -- --db postgres): the CPU of its processes, the postmaster and every
   * backend, per request, the part of it in the kernel, and the cores they kept busy over the window.
   */
  database?: { cpuUsPerRequest: number; systemCpuUsPerRequest: number; cores: number };
  peakRssMb: number;
  priorityVerbs: LoadResult['priorityVerbs'];
  timeouts: number;
  socketErrors: number;
  socketErrorCodes: Record<string, number>;
  exhaustedConnections: number;
  firstFailures: Record<string, string>;
  /** When each step's slowest request was sent, in ms from the start of the run. */
  slowestSentAtMs: Record<string, number>;
  /** Cores the server and the load generator kept busy over the window (1 = one core all the time). */
  serverCores: number;
  loadgenCores: number;
  /** CPU used by other processes on the machine during the window, in cores. */
  otherLoadCores: number;
  /** CPU of the kernel's threads during the window (the server's disk flushes, mostly), in cores. */
  kernelThreadCores: number;
  /** The hotline's own account of the run (its /metrics): commits and garbage collection. */
  server?: ServerSide;
  /** Paced runs: the answers of the ramp before the window, not part of the figures above. */
  ramp?: { seconds: number; answers: number; p99Ms: number; maxMs: number };
}

const round2 = (v: number) => Math.round(v * 100) / 100;

function percentile(sorted: number[], q: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))]!;
}

function stats(latencies: number[], count: number, failed: number, rps: number): Stats {
  return {
    requestsPerSecond: Math.round(rps),
    count,
    failed,
    p50Ms: percentile(latencies, 0.5) / 1000,
    p99Ms: percentile(latencies, 0.99) / 1000,
    maxMs: (latencies.at(-1) ?? 0) / 1000,
  };
}

export function summarise(
  result: LoadResult,
  extra: { peakRssKb: number; otherLoadCores: number; kernelThreadCores: number; rampSeconds?: number; database?: boolean },
): RunSummary {
  const total = STEPS.reduce((s, step) => s + result.steps[step]!.count, 0);
  const rps = (result.inWindow / result.windowMs) * 1000;
  const steps: Record<string, Stats> = {};
  const firstFailures: Record<string, string> = {};
  for (const step of STEPS) {
    const r = result.steps[step]!;
    // Each step's share of the answers, applied to the window's throughput.
    steps[step] = stats(r.latencies, r.count, r.failed, total ? (rps * r.count) / total : 0);
    if (r.firstFailure) firstFailures[step] = r.firstFailure;
  }
  const all = STEPS.flatMap((step) => result.steps[step]!.latencies).sort((a, b) => a - b);
  const failed = STEPS.reduce((s, step) => s + result.steps[step]!.failed, 0);
  return {
    steps,
    overall: stats(all, total, failed, rps),
    serverCpuUsPerRequest: result.inWindow ? Math.round(result.serverCpuUs / result.inWindow) : 0,
    serverSystemCpuUsPerRequest: result.inWindow ? Math.round(result.serverSystemCpuUs / result.inWindow) : 0,
    loadgenCpuUsPerRequest: result.inWindow ? Math.round(result.loadgenCpuUs / result.inWindow) : 0,
    ...(extra.database && {
      database: {
        cpuUsPerRequest: result.inWindow ? Math.round(result.databaseCpuUs / result.inWindow) : 0,
        systemCpuUsPerRequest: result.inWindow ? Math.round(result.databaseSystemCpuUs / result.inWindow) : 0,
        cores: round2(result.databaseCpuUs / (result.windowMs * 1000)),
      },
    }),
    peakRssMb: Math.round(extra.peakRssKb / 1024),
    priorityVerbs: result.priorityVerbs,
    timeouts: result.timeouts,
    socketErrors: result.socketErrors,
    socketErrorCodes: result.socketErrorCodes,
    exhaustedConnections: result.exhaustedConnections,
    firstFailures,
    slowestSentAtMs: Object.fromEntries(STEPS.map((step) => [step, result.steps[step]!.slowestSentAtMs])),
    serverCores: round2(result.serverCpuUs / (result.windowMs * 1000)),
    loadgenCores: round2(result.loadgenCpuUs / (result.windowMs * 1000)),
    otherLoadCores: round2(extra.otherLoadCores),
    kernelThreadCores: round2(extra.kernelThreadCores),
    ...(extra.rampSeconds && {
      ramp: {
        seconds: extra.rampSeconds,
        answers: result.rampLatencies.length,
        p99Ms: percentile(result.rampLatencies, 0.99) / 1000,
        maxMs: (result.rampLatencies.at(-1) ?? 0) / 1000,
      },
    }),
  };
}

export interface ScenarioResult {
  name: string;
  description: string;
  target: string;
  met: boolean;
  hotline: RunSummary;
  floor: RunSummary;
  ratio: { requestsPerSecond: number; p99: number };
  /** On-duty agents seeded: a run cannot dial more within the offer hold, unless an agent is offered two calls at once. */
  agents?: number;
  /** The floor driven by wrk instead (closed loop only): the load generator is not what limits the floor. */
  floorUnderWrk?: { requestsPerSecond: number; p99Ms: number } | { skipped: string };
  /** The floor that also commits a row per request with synchronous=FULL (paced scenario): the disk's share. */
  durableFloor?: RunSummary;
  /** With PostgreSQL and --statements: what pg_stat_statements saw over the hotline's run. */
  statements?: StatementsSummary;
}

/** More than this many cores busy with other work during a run makes its numbers doubtful. */
export const DISTURBED_CORES = 0.25;

const ms = (v: number) => (v < 10 ? v.toFixed(2) : v < 100 ? v.toFixed(1) : v.toFixed(0));
const pct = (cores: number) => `${Math.round(cores * 100)}%`;
const ratio = (v: number) => (v < 10 ? v.toFixed(2) : v.toFixed(1));

/** A markdown table per scenario: every step and the whole call, hotline beside the floor; `title` says which hotline. */
export function formatScenario(s: ScenarioResult, title?: string): string {
  const lines = [
    `### ${s.description}${title ? `: ${title}` : ''}`,
    '',
    `Target: ${s.target} -> **${s.met ? 'met' : 'MISSED'}**`,
    '',
    '| step | hotline req/s | p50 ms | p99 ms | max ms | failed | floor req/s | p50 ms | p99 ms | max ms | failed | req/s ratio | p99 ratio |',
    '| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
  ];
  const row = (name: string, h: Stats, f: Stats) =>
    `| ${name} | ${h.requestsPerSecond} | ${ms(h.p50Ms)} | ${ms(h.p99Ms)} | ${ms(h.maxMs)} | ${h.failed} | ${f.requestsPerSecond} | ${ms(f.p50Ms)} | ${ms(f.p99Ms)} | ${ms(f.maxMs)} | ${f.failed} | ${ratio(h.requestsPerSecond / (f.requestsPerSecond || 1))} | ${ratio(h.p99Ms / (f.p99Ms || 1))} |`;
  for (const step of STEPS) lines.push(row(step, s.hotline.steps[step]!, s.floor.steps[step]!));
  lines.push(row('**all**', s.hotline.overall, s.floor.overall));
  lines.push('');
  const h = s.hotline;
  const f = s.floor;
  const db = h.database;
  lines.push(
    `- Server CPU per request: hotline **${h.serverCpuUsPerRequest} us** (${h.serverSystemCpuUsPerRequest} of them in the kernel), ` +
      (db
        ? `PostgreSQL's processes **${db.cpuUsPerRequest} us** (${db.systemCpuUsPerRequest} in the kernel), together **${h.serverCpuUsPerRequest + db.cpuUsPerRequest} us**; `
        : '') +
      `floor ${f.serverCpuUsPerRequest} us (${f.serverSystemCpuUsPerRequest}) ` +
      `(server core busy ${pct(h.serverCores)}${db ? ` + PostgreSQL ${pct(db.cores)}` : ''} / ${pct(f.serverCores)}). Peak RSS: hotline ${h.peakRssMb} MB, floor ${f.peakRssMb} MB.`,
    `- Load generator: ${h.loadgenCpuUsPerRequest} us CPU per request, core busy ${pct(h.loadgenCores)} (hotline run); ` +
      `${f.loadgenCpuUsPerRequest} us, ${pct(f.loadgenCores)} (floor run).` +
      (s.floorUnderWrk && 'requestsPerSecond' in s.floorUnderWrk
        ? ` Cross-check, the floor under wrk (1 thread, same requests): ${s.floorUnderWrk.requestsPerSecond} req/s, p99 ${ms(s.floorUnderWrk.p99Ms)} ms.`
        : s.floorUnderWrk
          ? ` Cross-check with wrk skipped: ${s.floorUnderWrk.skipped}.`
          : ''),
    `- Answers to "1": ${h.priorityVerbs.dial} Dial, ${h.priorityVerbs.enqueue} Enqueue (an agent offered a call is not offered another for ${AGENT_OFFER_HOLD_MS / 1000} s; then callers queue)` +
      (s.agents !== undefined && h.priorityVerbs.dial > s.agents
        ? `. **More Dials than the ${s.agents} agents: some agent was offered two calls at once.**`
        : '.'),
    `- Kernel threads (disk flushes): ${h.kernelThreadCores} / ${f.kernelThreadCores} cores. Other processes on the machine: ${h.otherLoadCores} / ${f.otherLoadCores} cores` +
      (Math.max(h.otherLoadCores, f.otherLoadCores) > DISTURBED_CORES ? ' **(disturbed: the numbers are not reliable)**.' : '.'),
  );
  if (h.server) {
    const c = h.server;
    // PostgreSQL's commits happen on its own processes: the hotline's metrics time SQLite's group commits only.
    lines.push(
      `- Hotline, by its own metrics: ` +
        (c.commits > 0
          ? `${c.commits} commits (${c.webhooksPerCommit} webhooks each), the event loop inside COMMIT ${pct(c.commitShare)} of the time; ` +
            `${c.commitsOver3ms} commits took over 3 ms, ${c.commitsOver10ms} over 10 ms (every answer of the batch, and every request arriving meanwhile, waits for them). `
          : '') +
        `GC: ${c.gcPauses} pauses, ${pct(c.gcShare)} of the time, ${c.gcPausesOver10ms} over 10 ms.`,
    );
  }
  if (s.durableFloor) {
    const d = s.durableFloor.overall;
    lines.push(
      `- Durable floor (the floor, plus one row per request committed with synchronous=FULL, one commit per event-loop turn): ` +
        `p50 ${ms(d.p50Ms)} ms, p99 ${ms(d.p99Ms)} ms (**${ratio(d.p99Ms / (f.overall.p99Ms || 1))}x** the floor's p99; the hotline's is ` +
        `${ratio(h.overall.p99Ms / (d.p99Ms || 1))}x the durable floor's), ${s.durableFloor.serverCpuUsPerRequest} us CPU per request ` +
        `(${s.durableFloor.serverSystemCpuUsPerRequest} in the kernel), ${d.failed} failed` +
        (s.durableFloor.server
          ? `; ${s.durableFloor.server.commits} commits, inside COMMIT ${pct(s.durableFloor.server.commitShare)} of the time, ` +
            `${s.durableFloor.server.commitsOver3ms} over 3 ms, ${s.durableFloor.server.commitsOver10ms} over 10 ms.`
          : '.'),
    );
  }
  const runs = [['hotline', h], ['floor', f], ...(s.durableFloor ? [['durable floor', s.durableFloor] as const] : [])] as const;
  if (h.ramp) {
    lines.push(
      `- The ramp, ${h.ramp.seconds} s at the full rate before the window opened (not in the figures above): p99 ` +
        runs.map(([who, run]) => `${who} ${run.ramp ? `${ms(run.ramp.p99Ms)} ms (max ${ms(run.ramp.maxMs)})` : '-'}`).join(', ') +
        ' (the start of the load: 200 new connections, after the server sat idle since its warm-up).',
    );
  }
  for (const [who, run] of runs) {
    if (run.timeouts || run.socketErrors || Object.keys(run.socketErrorCodes).length || run.exhaustedConnections) {
      lines.push(`- ${who}: ${run.timeouts} answers later than 15 s, ${run.socketErrors} connection failures ${JSON.stringify(run.socketErrorCodes)}, ${run.exhaustedConnections} connections ran out of calls.`);
    }
    const slow = STEPS.filter((step) => run.steps[step]!.maxMs > 1000);
    if (slow.length) {
      lines.push(`- ${who}: slowest answers ${slow.map((step) => `${step} ${(run.steps[step]!.maxMs / 1000).toFixed(1)} s (sent ${(run.slowestSentAtMs[step]! / 1000).toFixed(1)} s into the run)`).join(', ')}.`);
    }
    for (const [step, failure] of Object.entries(run.firstFailures)) lines.push(`- ${who} first failure at ${step}: \`${failure.slice(0, 300)}\``);
  }
  // Last: its table ends the list.
  if (s.statements) lines.push(...formatStatements(s.statements));
  return lines.join('\n');
}

/** Statements per webhook, and the top ones by total time. */
function formatStatements(st: StatementsSummary, top = 10): string[] {
  const totalMs = (st.executionUsPerWebhook * st.webhooks) / 1000;
  const lines = [
    `- PostgreSQL, by pg_stat_statements over the hotline's run (ramp included, ${st.webhooks} webhooks answered): ` +
      `**${st.perWebhook.toFixed(1)} statements per webhook** (each a round trip from the pool, BEGIN and COMMIT included), ` +
      `${st.commitsPerWebhook} COMMITs and ${st.walSyncsPerWebhook} WAL syncs to disk per webhook, ` +
      `${st.executionUsPerWebhook} us of execution per webhook (the commits' WAL flushes not included). The top ${Math.min(top, st.top.length)} by total time:`,
    '',
    '| statement | per webhook | total ms | mean ms | share |',
    '| --- | ---: | ---: | ---: | ---: |',
  ];
  for (const s of st.top.slice(0, top)) {
    const shown = (s.query.length > 110 ? `${s.query.slice(0, 107)}...` : s.query).replace(/\|/g, '\\|');
    lines.push(`| \`${shown}\` | ${(s.calls / st.webhooks).toFixed(2)} | ${s.totalMs.toFixed(0)} | ${s.meanMs.toFixed(3)} | ${Math.round((s.totalMs / (totalMs || 1)) * 100)}% |`);
  }
  return lines;
}
