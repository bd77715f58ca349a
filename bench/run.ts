/**
 * npm run bench: the hotline under load against a floor, on this machine.
 *
 * Each scenario starts from scratch: a fresh database seeded with Enterprise customers and 20 on-duty
 * agents, the real server (node --import tsx src/main.ts) and a bare node:http server answering a fixed
 * TwiML document (the floor), both pinned to the core that takes the disk's interrupts, and the same
 * warm-up on each. A load generator pinned to the other core plays complete verified calls (incoming ->
 * ID -> code -> 1 -> Dial), every request signed as Twilio signs it, each call a distinct customer
 * with a code computed from its real secret just before the run. The same requests go to the floor,
 * and in the paced scenario to a durable floor as well (the floor plus one synchronous=FULL commit per
 * event-loop turn): how much of the hotline's tail is this machine's disk, and how much is the hotline.
 * The paced scenario runs 5 s at its full rate before its 30 s window opens (the ramp, reported apart).
 * Three scenarios; prints a table per scenario, writes bench/results/<date>.json, and stops by itself
 * within 5 minutes.
 *
 *   npm run bench                 the three scenarios
 *   npm run bench -- --profile    the closed loop only, server under node --cpu-prof, then its hot spots
 *   npm run bench -- --only paced-1000    one scenario (closed-50, paced-1000, callers-500)
 *   npm run bench -- --parallel-gc        the servers with V8's default parallel garbage collection
 */
import { cpus } from 'node:os';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { loadConfig } from '../src/config.js';
import type { LoadResult, LoadSpec } from './loadgen.js';
import { diskInterruptCore, peakRssKb, resetPeakRss, TICK_US } from './proc.js';
import { runPinned, startPinned, waitHealthy, type Pinned } from './processes.js';
import { summariseProfile } from './profile.js';
import { formatScenario, summarise, type RunSummary, type ScenarioResult } from './report.js';
import { writeCallFiles, type Signing } from './requests.js';
import { seed, type SeededCustomer } from './seed.js';
import { scrapeMetrics, serverSide } from './serverMetrics.js';
import { floorUnderWrk } from './wrk.js';

const ROOT = resolve(import.meta.dirname, '..');
/**
 * The server (and the floor) run on the core that takes the disk's interrupts (core 1 on the machine
 * measured in the README, by /proc/interrupts), the load generator on the other: each of the hotline's
 * commits ends with an fsync, and its completion then wakes the server on its own core instead of
 * interrupting the load generator and crossing to the server's. Measured here: the event loop's time
 * inside COMMIT at 1,000 requests/s fell from 49-53% to 29-40%, the p50 from 1.4-2.5 to 1.2-1.4 ms.
 */
const DISK_IRQS = diskInterruptCore();
const SERVER_CORE = DISK_IRQS && DISK_IRQS.core <= 1 ? DISK_IRQS.core : 0;
const LOADGEN_CORE = 1 - SERVER_CORE;
const DEADLINE_MS = 295_000;
const AGENTS = 20;
/** Closed-loop runs get calls for this many requests/s (the server does about 4,000); a connection that runs out is reported. */
const CLOSED_LOOP_CEILING_RPS = 10_000;
const WARMUP_SECONDS = 3;

interface Scenario {
  name: string;
  description: string;
  target: string;
  connections: number;
  /** Total requests/s offered; 0 for a closed loop. */
  rate: number;
  seconds: number;
  /**
   * Paced: seconds at the full rate before the window opens, answered but not timed (reported apart).
   * The first seconds of a paced run are slow on every server, the bare floor included (p99 5-8 ms in
   * them against 1-3 ms after, 9-24 ms for the hotline and the durable floor against 5-7 and 3-4): 200
   * new connections and a load that follows an idle spell. The target speaks of a steady load.
   */
  rampSeconds?: number;
  /** Also drive the durable floor (bench/floor.ts with FLOOR_DB): what the disk alone costs at this load. */
  durableFloor?: boolean;
  met(hotline: RunSummary, floor: RunSummary): boolean;
}

const clean = (r: RunSummary) =>
  r.overall.failed === 0 && r.timeouts === 0 && r.socketErrors === 0 && r.exhaustedConnections === 0;

const SCENARIOS: Scenario[] = [
  {
    name: 'closed-50',
    description: 'Closed loop, 50 connections, 10 s',
    target: "verified-call mix >= 0.10x the floor's requests/s, no failures",
    connections: 50,
    rate: 0,
    seconds: 10,
    met: (h, f) => clean(h) && h.overall.requestsPerSecond >= 0.1 * f.overall.requestsPerSecond,
  },
  {
    name: 'paced-1000',
    description: '1,000 requests/s offered at a constant rate (200 connections, each paced), 30 s',
    target: "p99 <= 3x the floor's p99 in the same run, no failures",
    connections: 200,
    rate: 1000,
    seconds: 30,
    rampSeconds: 5,
    durableFloor: true,
    met: (h, f) => clean(h) && h.overall.p99Ms <= 3 * f.overall.p99Ms,
  },
  {
    name: 'callers-500',
    description: '500 concurrent callers (closed loop, 500 connections), 10 s',
    target: 'no request fails',
    connections: 500,
    rate: 0,
    seconds: 10,
    met: (h) => clean(h),
  },
];

/** Calls one run of a scenario may need: paced runs know their count, closed loops get a ceiling. */
function callsFor(s: { connections: number; rate: number; seconds: number; rampSeconds?: number }, ceilingRps: number): number {
  const perConnection = s.rate > 0 ? Math.ceil(((s.rate / s.connections) * (s.seconds + (s.rampSeconds ?? 0))) / 4) + 2 : Math.ceil((ceilingRps * s.seconds) / 4 / s.connections);
  return perConnection * s.connections;
}

async function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolvePort(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

const { values: options } = parseArgs({
  options: {
    profile: { type: 'boolean', default: false },
    only: { type: 'string' },
    keep: { type: 'boolean', default: false },
    'parallel-gc': { type: 'boolean', default: false },
  },
});
/**
 * Each server has one core here, as the README advises for production (`npm run start:one-core`):
 * V8's garbage-collection helper threads could only take turns with the event loop on that core, so
 * the servers collect on their own thread. `--parallel-gc` starts them with V8's default instead.
 */
const NODE_FLAGS = options['parallel-gc'] ? [] : ['--single-threaded-gc'];
const started = Date.now();
const stamp = new Date().toISOString().slice(0, 19).replace(/:/g, '-');
const runDir = join(ROOT, 'bench', 'tmp', `run-${stamp}`);
/** Where node --cpu-prof writes the server's profile (npm run bench -- --profile). */
const profileDir = () => join(runDir, 'profile');
const children: Pinned[] = [];

// Stops by itself: whatever happens, nothing of the benchmark outlives the deadline.
const deadline = setTimeout(() => {
  console.error(`bench: still running after ${DEADLINE_MS / 1000} s, stopping`);
  for (const child of children) child.child.kill('SIGKILL');
  process.exit(2);
}, DEADLINE_MS);
deadline.unref();

const log = (message: string) => console.log(`[${((Date.now() - started) / 1000).toFixed(0).padStart(3)} s] ${message}`);

/** The server's environment for one scenario: its own database file and port. */
function serverEnv(dir: string, port: number): NodeJS.ProcessEnv {
  // Fixed, made-up credentials: the server never reaches Twilio (its API URL points at a closed local port).
  return {
    PATH: process.env.PATH,
    NODE_ENV: 'production',
    HOST: '127.0.0.1',
    PORT: String(port),
    HOTLINE_DB: join(dir, 'hotline.sqlite'),
    TWILIO_ACCOUNT_SID: `AC${'5e7c'.repeat(8)}`,
    TWILIO_AUTH_TOKEN: 'bench-auth-token-0123456789abcdef',
    HOTLINE_SECRET_KEY: Buffer.alloc(32, 0x5e).toString('base64'),
    HOTLINE_ADMIN_TOKEN: 'bench-admin-token-0123456789abcdef',
    HOTLINE_TWILIO_API_URL: 'http://127.0.0.1:9',
    PUBLIC_BASE_URL,
    LOG_LEVEL: 'warn',
  };
}

const PUBLIC_BASE_URL = 'https://hotline.example.com';
const WARMUP = { connections: 50, rate: 0, seconds: WARMUP_SECONDS };
let runs = 0;

/**
 * One scenario from scratch: a fresh database seeded with this scenario's customers, a freshly started
 * server and floor, the same warm-up, then the load on each. Scenarios do not inherit one another's
 * data (the closed loops leave thousands of calls that never end and a queue no real outage would
 * have), so each measures what it says, in any order.
 */
async function runScenario(s: Scenario): Promise<{ result: ScenarioResult; customers: number }> {
  const dir = join(runDir, s.name);
  mkdirSync(dir, { recursive: true });
  const [hotlinePort, floorPort, durablePort] = [await freePort(), await freePort(), await freePort()];
  const env = serverEnv(dir, hotlinePort);
  const config = loadConfig(env);
  const signing: Signing = {
    authToken: config.twilio.authToken,
    accountSid: config.twilio.accountSid,
    publicBaseUrl: PUBLIC_BASE_URL,
    host: `127.0.0.1:${hotlinePort}`,
  };
  const warmCalls = callsFor(WARMUP, CLOSED_LOOP_CEILING_RPS);
  const needed = warmCalls + callsFor(s, CLOSED_LOOP_CEILING_RPS);
  log(`${s.name}: seeding a fresh database with ${needed} Enterprise customers and ${AGENTS} on-duty agents through the domain code`);
  const customers = seed(config, { customers: needed, agents: AGENTS });

  const hotline = startPinned(
    'hotline',
    SERVER_CORE,
    [...NODE_FLAGS, ...(options.profile ? ['--cpu-prof', `--cpu-prof-dir=${profileDir()}`] : []), '--import', 'tsx', 'src/main.ts'],
    env,
  );
  const floor = startPinned('floor', SERVER_CORE, [...NODE_FLAGS, '--import', 'tsx', 'bench/floor.ts'], { PATH: process.env.PATH, PORT: String(floorPort) });
  const durable = s.durableFloor
    ? startPinned('durable floor', SERVER_CORE, [...NODE_FLAGS, '--import', 'tsx', 'bench/floor.ts'], {
        PATH: process.env.PATH,
        PORT: String(durablePort),
        FLOOR_DB: join(dir, 'durable-floor.sqlite'),
      })
    : undefined;
  children.push(hotline, floor, ...(durable ? [durable] : []));
  await Promise.all([
    waitHealthy(hotline, hotlinePort, '/healthz'),
    waitHealthy(floor, floorPort, '/'),
    ...(durable ? [waitHealthy(durable, durablePort, '/')] : []),
  ]);
  log(
    `hotline (pid ${hotline.pid}), floor (pid ${floor.pid})${durable ? ` and durable floor (pid ${durable.pid})` : ''} listening, pinned to core ${SERVER_CORE}` +
      `${DISK_IRQS ? ` (the disk's interrupts: ${DISK_IRQS.queues.join(', ')})` : ''}; load from core ${LOADGEN_CORE}; ` +
      (NODE_FLAGS.length ? `started with ${NODE_FLAGS.join(' ')}` : "V8's default parallel garbage collection"),
  );

  /** One load run: the load generator on its own core, against one of the servers. */
  async function drive(
    target: 'hotline' | 'floor' | 'durable floor',
    load: { connections: number; rate: number; seconds: number; rampSeconds?: number },
    calls: string,
  ): Promise<RunSummary> {
    const [server, port] = target === 'hotline' ? [hotline, hotlinePort] : target === 'floor' ? [floor, floorPort] : [durable!, durablePort];
    const spec: LoadSpec = {
      port,
      connections: load.connections,
      durationMs: load.seconds * 1000,
      rate: load.rate,
      ...(load.rampSeconds && { rampMs: load.rampSeconds * 1000 }),
      wrap: target !== 'hotline',
      expect: target === 'hotline' ? 'hotline' : 'floor',
      dir: calls,
      out: join(runDir, `result-${++runs}.json`),
      serverPid: server.pid,
    };
    const specFile = join(runDir, `spec-${runs}.json`);
    writeFileSync(specFile, JSON.stringify(spec));
    resetPeakRss(server.pid);
    const adminToken = env.HOTLINE_ADMIN_TOKEN!;
    // The hotline's own account of the run, and the durable floor's commits (it answers the same series).
    const before = target === 'floor' ? undefined : await scrapeMetrics(port, adminToken);
    await runPinned('loadgen', LOADGEN_CORE, ['--import', 'tsx', 'bench/loadgen.ts', specFile], { PATH: process.env.PATH });
    const result = JSON.parse(readFileSync(spec.out, 'utf8')) as LoadResult;
    const windowUs = spec.durationMs * 1000;
    const others = (result.machineBusyUs - result.serverCpuUs - result.loadgenCpuUs - result.kernelThreadsUs) / windowUs;
    const summary = summarise(result, {
      peakRssKb: peakRssKb(server.pid),
      otherLoadCores: Math.max(0, others),
      kernelThreadCores: result.kernelThreadsUs / windowUs,
      ...(load.rampSeconds && { rampSeconds: load.rampSeconds }),
    });
    if (!before) return summary;
    // Scraped around the whole load, ramp included.
    return { ...summary, server: serverSide(before, await scrapeMetrics(port, adminToken), spec.durationMs + (spec.rampMs ?? 0)) };
  }

  /** Request files for some calls, with codes computed now: valid for the next minute at least. */
  function files(name: string, calls: SeededCustomer[], connections: number): string {
    const out = join(dir, name);
    writeCallFiles(out, signing, calls, connections);
    return out;
  }

  try {
    log(`warm-up: ${WARMUP_SECONDS} s closed loop on each server`);
    const warmDir = files('warmup', customers.slice(0, warmCalls), WARMUP.connections);
    await drive('hotline', WARMUP, warmDir);
    await drive('floor', WARMUP, warmDir);
    if (durable) await drive('durable floor', WARMUP, warmDir);

    const callsDir = files('calls', customers.slice(warmCalls), s.connections);
    log(`${s.description}: hotline`);
    const h = await drive('hotline', s, callsDir);
    log(`${s.description}: floor`);
    const f = await drive('floor', s, callsDir);
    if (durable) log(`${s.description}: durable floor`);
    const d = durable ? await drive('durable floor', s, callsDir) : undefined;
    const wrkCheck = s.rate === 0 && s.connections <= 100 ? await floorUnderWrk(floorPort, callsDir, s.connections, 5, LOADGEN_CORE) : undefined;
    const result: ScenarioResult = {
      name: s.name,
      description: s.description,
      target: s.target,
      met: s.met(h, f),
      hotline: h,
      floor: f,
      ratio: {
        requestsPerSecond: Math.round((h.overall.requestsPerSecond / (f.overall.requestsPerSecond || 1)) * 1000) / 1000,
        p99: Math.round((h.overall.p99Ms / (f.overall.p99Ms || 1)) * 100) / 100,
      },
      ...(wrkCheck && { floorUnderWrk: wrkCheck }),
      ...(d && { durableFloor: d }),
    };
    return { result, customers: needed };
  } finally {
    await Promise.all([hotline.stop(), floor.stop(), durable?.stop()]);
    children.length = 0;
  }
}

async function main(): Promise<void> {
  mkdirSync(runDir, { recursive: true });
  const scenarios = SCENARIOS.filter((s) => (options.only ? s.name === options.only : !options.profile || s.name === 'closed-50'));
  if (scenarios.length === 0) throw new Error(`no scenario named ${options.only}: ${SCENARIOS.map((s) => s.name).join(', ')}`);

  const results: ScenarioResult[] = [];
  let customers = 0;
  for (const s of scenarios) {
    const { result, customers: seeded } = await runScenario(s);
    customers += seeded;
    results.push(result);
    console.log(`\n${formatScenario(result)}\n`);
  }

  if (options.profile) {
    console.log(summariseProfile(profileDir(), ROOT));
    return;
  }
  const machine = {
    cpus: cpus().length,
    model: cpus()[0]?.model ?? 'unknown',
    node: process.version,
    tickUs: TICK_US,
    serverCore: SERVER_CORE,
    loadgenCore: LOADGEN_CORE,
    diskInterrupts: DISK_IRQS ? `${DISK_IRQS.queues.join(', ')} on core ${DISK_IRQS.core}` : 'not found',
  };
  const out = join(ROOT, 'bench', 'results', `${stamp}Z.json`);
  mkdirSync(join(ROOT, 'bench', 'results'), { recursive: true });
  writeFileSync(out, `${JSON.stringify({ date: new Date().toISOString(), machine, nodeFlags: NODE_FLAGS, agents: AGENTS, customers, scenarios: results }, null, 2)}\n`);
  log(`targets: ${results.map((r) => `${r.name} ${r.met ? 'met' : 'MISSED'}`).join(', ')}`);
  log(`results written to ${out}`);
}

main()
  .catch(async (err) => {
    console.error(err instanceof Error ? err.message : err);
    process.exitCode = 1;
  })
  .finally(async () => {
    for (const child of children) await child.stop(2000);
    if (!options.keep) rmSync(runDir, { recursive: true, force: true });
    clearTimeout(deadline);
  });
