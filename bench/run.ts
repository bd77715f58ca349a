/**
 * npm run bench: the hotline under load against a floor, on this machine.
 *
 * Each scenario starts from scratch: a fresh database seeded with Enterprise customers and 20 on-duty
 * agents, the real server (node --single-threaded-gc --import tsx src/main.ts, as npm run start:one-core
 * starts it) and a bare node:http server answering a fixed TwiML document (the floor), both pinned to
 * the core that takes the disk's interrupts, and the same warm-up on each. A load generator pinned to
 * the other core plays complete verified calls (incoming -> ID -> code -> 1 -> Dial or Enqueue), every
 * request signed as Twilio signs it, each call a distinct customer with a code computed from its real
 * secret just before the run. The same requests go to the floor, and in the paced scenario to a
 * durable floor as well (the floor plus one synchronous=FULL commit per event-loop turn): how much of
 * the hotline's tail is this machine's disk, and how much is the hotline.
 * The paced scenario runs 5 s at its full rate before its 30 s window opens (the ramp, reported apart).
 * Three scenarios; prints a table per scenario, writes bench/results/<date>.json, and stops by itself
 * within 5 minutes (15 with --compare, once REF is checked out; 10 with --db postgres).
 *
 * With --compare REF, another commit's server runs in the same scenarios beside this one: REF checked
 * out in a git worktree of its own (bench/compare.ts), its database seeded by its own code
 * (bench/seedRef.ts), its server started as this one is, on the same core. The judged scenarios
 * (closed-50, paced-1000) are played in rounds (bench/rounds.ts): six parts per server, twice the
 * scenario's window in all, the two servers taking turns and the order changing from round to round,
 * so that a slow spell of the machine or the first turn after the warm-ups falls on both alike; the
 * 500 callers once to this server, then to REF's; the floors after them. The report sets the two side
 * by side and judges the rule in bench/compare.ts; both runs are written to bench/results (REF's as
 * <date>Z-ref-<commit>.json).
 *
 *   npm run bench                 the three scenarios
 *   npm run bench -- --profile    the closed loop only, server under node --cpu-prof, then its hot spots
 *   npm run bench -- --only paced-1000    one scenario (closed-50, paced-1000, callers-500)
 *   npm run bench -- --parallel-gc        the servers with V8's default parallel garbage collection
 *   npm run bench -- --compare HEAD~1     this code against another commit (any git ref); --only works with it
 *   npm run bench -- --db postgres        the same scenarios with the hotline on PostgreSQL (below)
 *   npm run bench -- --seconds 3          shorter windows, to check that the bench runs (not for figures)
 *
 * With --db postgres, a throwaway PostgreSQL cluster (scripts/postgres.mjs, bench/postgres.ts) with its
 * durable defaults, fsync and synchronous_commit on (SQLite runs synchronous=FULL), every process of it
 * pinned to the server's core: the hotline and its database share one core, as the hotline and SQLite
 * inside it do. Each scenario gets a fresh database, seeded through the storage port; the tables count
 * the CPU of the cluster's processes (postmaster and every backend) beside the server's. --statements
 * also loads pg_stat_statements and prints the statements per webhook and the top ones by total time.
 */
import { cpus } from 'node:os';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join, relative, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { loadConfig } from '../src/config.js';
import { checkOut, compare, describe, formatComparison, here, RULE_TEXT, RULES, SERVER_ENTRY, verdict, type Checkout, type Comparison, type Revision } from './compare.js';
import { COMPARE_ROUNDS, mergeLoadResults, mergeServerSide, partSeconds, roundOrder } from './rounds.js';
import type { LoadResult, LoadSpec } from './loadgen.js';
import { startBenchPostgres, summariseStatements, type BenchPostgres, type StatementsSummary } from './postgres.js';
import { diskInterruptCore, peakRssKb, resetPeakRss, TICK_US } from './proc.js';
import { runPinned, startPinned, waitHealthy, type Pinned } from './processes.js';
import { summariseProfile } from './profile.js';
import { DISTURBED_CORES, formatScenario, summarise, type RunSummary, type ScenarioResult } from './report.js';
import { writeCallFiles, type Signing } from './requests.js';
import { seed, type SeededCustomer } from './seed.js';
import type { SeededCustomerHex, SeedSpec } from './seedRef.js';
import { scrapeMetrics, serverSide, type ServerSide } from './serverMetrics.js';
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
/** Closed-loop runs get calls for this many requests/s (the server does about 4,000-5,500); a connection that runs out is reported. */
const CLOSED_LOOP_CEILING_RPS = 10_000;
const WARMUP_SECONDS = 3;

const { values: options } = parseArgs({
  options: {
    profile: { type: 'boolean', default: false },
    only: { type: 'string' },
    keep: { type: 'boolean', default: false },
    'parallel-gc': { type: 'boolean', default: false },
    compare: { type: 'string' },
    db: { type: 'string', default: 'sqlite' },
    statements: { type: 'boolean', default: false },
    seconds: { type: 'string' },
  },
});
/** A one-line refusal of the options given. */
function refuse(line: string): never {
  console.error(`bench: ${line}`);
  process.exit(1);
}
if (options.db !== 'sqlite' && options.db !== 'postgres') refuse(`--db ${options.db}: sqlite (the default) or postgres`);
const DB: 'sqlite' | 'postgres' = options.db;
if (DB === 'postgres' && options.compare !== undefined) refuse('--compare is not supported with --db postgres: compare commits on SQLite');
if (DB !== 'postgres' && options.statements) refuse('--statements needs --db postgres (pg_stat_statements)');
/** Window length of every scenario when given: a quick check that the bench runs, not figures to keep. */
const SECONDS = options.seconds === undefined ? undefined : Number(options.seconds);
if (SECONDS !== undefined && !(Number.isInteger(SECONDS) && SECONDS > 0)) refuse(`--seconds ${options.seconds}: a whole number of seconds`);
/**
 * The paced scenario's p99 may be this many times the floor's: 3 on SQLite, 4 on PostgreSQL (each
 * answer then waits on round trips to another process and its commit's WAL flush there).
 */
const PACED_P99_FACTOR = DB === 'postgres' ? 4 : 3;

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
    description: `Closed loop, 50 connections, ${SECONDS ?? 10} s`,
    target: "verified-call mix >= 0.10x the floor's requests/s, no failures",
    connections: 50,
    rate: 0,
    seconds: SECONDS ?? 10,
    met: (h, f) => clean(h) && h.overall.requestsPerSecond >= 0.1 * f.overall.requestsPerSecond,
  },
  {
    name: 'paced-1000',
    description: `1,000 requests/s offered at a constant rate (200 connections, each paced), ${SECONDS ?? 30} s`,
    target: `p99 <= ${PACED_P99_FACTOR}x the floor's p99 in the same run, no failures`,
    connections: 200,
    rate: 1000,
    seconds: SECONDS ?? 30,
    rampSeconds: 5,
    durableFloor: true,
    met: (h, f) => clean(h) && h.overall.p99Ms <= PACED_P99_FACTOR * f.overall.p99Ms,
  },
  {
    name: 'callers-500',
    description: `500 concurrent callers (closed loop, 500 connections), ${SECONDS ?? 10} s`,
    target: 'no request fails',
    connections: 500,
    rate: 0,
    seconds: SECONDS ?? 10,
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
/** REF's worktree (--compare), removed however the run ends. */
let checkout: Checkout | undefined;
/** The PostgreSQL cluster (--db postgres), stopped and removed however the run ends. */
let postgres: BenchPostgres | undefined;

/**
 * Stops by itself: whatever happens, nothing of the benchmark outlives the deadline. Armed once REF is
 * checked out (its npm ci has a limit of its own); a comparison seeds a second database and plays its
 * judged scenarios in rounds, twice their window for each server, so it has three times as long.
 */
let deadline: NodeJS.Timeout | undefined;
function armDeadline(ms: number): void {
  deadline = setTimeout(() => {
    console.error(`bench: still running after ${ms / 1000} s, stopping`);
    for (const child of children) child.child.kill('SIGKILL');
    checkout?.remove();
    postgres?.stop();
    process.exit(2);
  }, ms);
  deadline.unref();
}
process.once('SIGINT', () => {
  for (const child of children) child.child.kill('SIGKILL');
  checkout?.remove();
  postgres?.stop();
  if (!options.keep) rmSync(runDir, { recursive: true, force: true });
  process.exit(130);
});

const log = (message: string) => console.log(`[${((Date.now() - started) / 1000).toFixed(0).padStart(3)} s] ${message}`);

/** The server's environment for one scenario: its own database (SQLite file, or PostgreSQL database at databaseUrl) and port. */
function serverEnv(dir: string, port: number, databaseUrl?: string): NodeJS.ProcessEnv {
  // Fixed, made-up credentials: the server never reaches Twilio (its API URL points at a closed local port).
  return {
    PATH: process.env.PATH,
    NODE_ENV: 'production',
    HOST: '127.0.0.1',
    PORT: String(port),
    ...(databaseUrl ? { HOTLINE_DATABASE_URL: databaseUrl } : { HOTLINE_DB: join(dir, 'hotline.sqlite') }),
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
type Load = { connections: number; rate: number; seconds: number; rampSeconds?: number };
const WARMUP: Load = { connections: 50, rate: 0, seconds: WARMUP_SECONDS };
let runs = 0;

/**
 * REF's database for one scenario, seeded in a process of its own with REF's code (bench/seedRef.ts,
 * run in REF's checkout): its migrations and domain code, as its own bench would have seeded it.
 */
async function seedRef(ref: Checkout, dir: string, env: NodeJS.ProcessEnv, customers: number): Promise<SeededCustomer[]> {
  const spec: SeedSpec = { root: ref.dir, env, customers, agents: AGENTS, out: join(dir, 'seeded.json') };
  const specFile = join(dir, 'seed-spec.json');
  writeFileSync(specFile, JSON.stringify(spec));
  await runPinned(`seeding ${ref.short}`, LOADGEN_CORE, ['--import', 'tsx', join(ROOT, 'bench', 'seedRef.ts'), specFile], { PATH: process.env.PATH }, ref.dir);
  const seeded = JSON.parse(readFileSync(spec.out, 'utf8')) as SeededCustomerHex[];
  return seeded.map((c) => ({ customerId: c.customerId, secret: Buffer.from(c.secret, 'hex') }));
}

const ratioToFloor = (h: RunSummary, f: RunSummary): ScenarioResult['ratio'] => ({
  requestsPerSecond: Math.round((h.overall.requestsPerSecond / (f.overall.requestsPerSecond || 1)) * 1000) / 1000,
  p99: Math.round((h.overall.p99Ms / (f.overall.p99Ms || 1)) * 100) / 100,
});

/**
 * One scenario from scratch: a fresh database seeded with this scenario's customers, a freshly started
 * server and floor, the same warm-up, then the load on each. Scenarios do not inherit one another's
 * data (the closed loops leave thousands of calls that never end and a queue no real outage would
 * have), so each measures what it says, in any order. With REF (--compare), REF's server runs beside
 * this one on its own database, warmed up and loaded right after it, before the floors.
 */
async function runScenario(s: Scenario, ref?: Checkout): Promise<{ result: ScenarioResult; refResult?: ScenarioResult; customers: number }> {
  const dir = join(runDir, s.name);
  const refDir = join(dir, 'ref');
  mkdirSync(ref ? refDir : dir, { recursive: true });
  const [hotlinePort, floorPort, durablePort, refPort] = [await freePort(), await freePort(), await freePort(), await freePort()];
  // PostgreSQL: a fresh database of the run's cluster, dropped once the scenario is over.
  const database = postgres && `bench_${s.name.replace(/\W/g, '_')}`;
  const databaseUrl = postgres && database ? await postgres.createDatabase(database) : undefined;
  const env = serverEnv(dir, hotlinePort, databaseUrl);
  const refEnv = serverEnv(refDir, refPort);
  const config = loadConfig(env);
  const signingFor = (port: number): Signing => ({
    authToken: config.twilio.authToken,
    accountSid: config.twilio.accountSid,
    publicBaseUrl: PUBLIC_BASE_URL,
    host: `127.0.0.1:${port}`,
  });
  const warmCalls = callsFor(WARMUP, CLOSED_LOOP_CEILING_RPS);
  // A comparison plays a judged scenario in rounds (bench/rounds.ts), each part with calls of its own.
  const rounds = ref && RULES[s.name] ? COMPARE_ROUNDS : 1;
  const part: Load = rounds > 1 ? { ...s, seconds: partSeconds(s.seconds, rounds) } : s;
  const callsPerPart = callsFor(part, CLOSED_LOOP_CEILING_RPS);
  const needed = warmCalls + rounds * callsPerPart;
  log(
    `${s.name}: seeding a fresh ${postgres ? 'PostgreSQL' : 'SQLite'} database with ${needed} Enterprise customers and ${AGENTS} on-duty agents through the domain code` +
      (ref ? `, and one for ${ref.short} through its own` : ''),
  );
  // REF's in a process of its own, on the other core, while this one seeds here.
  const refSeeding = ref && seedRef(ref, refDir, refEnv, needed);
  refSeeding?.catch(() => undefined);
  const seedStart = Date.now();
  const customers = await seed(config, { customers: needed, agents: AGENTS });
  const refCustomers = await refSeeding;
  if (postgres) log(`seeded in ${((Date.now() - seedStart) / 1000).toFixed(1)} s`);

  const hotline = startPinned(
    'hotline',
    SERVER_CORE,
    [...NODE_FLAGS, ...(options.profile ? ['--cpu-prof', `--cpu-prof-dir=${profileDir()}`] : []), '--import', 'tsx', SERVER_ENTRY],
    env,
  );
  // REF's server as its own bench starts it: the same entry, flags and environment, from its checkout.
  const refServer = ref ? startPinned(`hotline ${ref.short}`, SERVER_CORE, [...NODE_FLAGS, '--import', 'tsx', SERVER_ENTRY], refEnv, ref.dir) : undefined;
  const floor = startPinned('floor', SERVER_CORE, [...NODE_FLAGS, '--import', 'tsx', 'bench/floor.ts'], { PATH: process.env.PATH, PORT: String(floorPort) });
  const durable = s.durableFloor
    ? startPinned('durable floor', SERVER_CORE, [...NODE_FLAGS, '--import', 'tsx', 'bench/floor.ts'], {
        PATH: process.env.PATH,
        PORT: String(durablePort),
        FLOOR_DB: join(dir, 'durable-floor.sqlite'),
      })
    : undefined;
  children.push(hotline, floor, ...(refServer ? [refServer] : []), ...(durable ? [durable] : []));
  await Promise.all([
    waitHealthy(hotline, hotlinePort, '/healthz'),
    ...(refServer ? [waitHealthy(refServer, refPort, '/healthz')] : []),
    waitHealthy(floor, floorPort, '/'),
    ...(durable ? [waitHealthy(durable, durablePort, '/')] : []),
  ]);
  log(
    `hotline (pid ${hotline.pid})${refServer ? `, ${ref!.short}'s hotline (pid ${refServer.pid})` : ''}, floor (pid ${floor.pid})` +
      `${durable ? ` and durable floor (pid ${durable.pid})` : ''} listening, pinned to core ${SERVER_CORE}` +
      `${DISK_IRQS ? ` (the disk's interrupts: ${DISK_IRQS.queues.join(', ')})` : ''}; load from core ${LOADGEN_CORE}; ` +
      (NODE_FLAGS.length ? `started with ${NODE_FLAGS.join(' ')}` : "V8's default parallel garbage collection") +
      (postgres ? `; PostgreSQL (postmaster pid ${postgres.pid} and its backends) pinned to core ${SERVER_CORE} too` : ''),
  );

  type Target = 'hotline' | 'ref' | 'floor' | 'durable floor';
  const servers: Record<Target, [Pinned | undefined, number]> = {
    hotline: [hotline, hotlinePort],
    ref: [refServer, refPort],
    floor: [floor, floorPort],
    'durable floor': [durable, durablePort],
  };

  interface Part {
    result: LoadResult;
    peakRssKb: number;
    /** The server's own account of the part (its /metrics before and after, ramp included), and how long that was. */
    server?: { server: ServerSide; ms: number };
  }

  /** One load run: the load generator on its own core, against one of the servers. */
  async function play(target: Target, load: Load, calls: string): Promise<Part> {
    const [server, port] = servers[target];
    const isHotline = target === 'hotline' || target === 'ref';
    // The cluster's CPU is the hotline's; on the floors' runs it idles, and is counted as other load.
    const databasePid = postgres && target === 'hotline' ? postgres.pid : undefined;
    const spec: LoadSpec = {
      port,
      connections: load.connections,
      durationMs: load.seconds * 1000,
      rate: load.rate,
      ...(load.rampSeconds && { rampMs: load.rampSeconds * 1000 }),
      wrap: !isHotline,
      expect: isHotline ? 'hotline' : 'floor',
      dir: calls,
      out: join(runDir, `result-${++runs}.json`),
      serverPid: server!.pid,
      ...(databasePid && { databasePid }),
    };
    const specFile = join(runDir, `spec-${runs}.json`);
    writeFileSync(specFile, JSON.stringify(spec));
    resetPeakRss(server!.pid);
    const adminToken = env.HOTLINE_ADMIN_TOKEN!;
    // The hotline's own account of the run, and the durable floor's commits (it answers the same series).
    // REF's /metrics may lack a series or predate the bench: then its account is left out, not the run.
    const scrape = () => (target === 'ref' ? scrapeMetrics(port, adminToken).catch(() => undefined) : scrapeMetrics(port, adminToken));
    const before = target === 'floor' ? undefined : await scrape();
    await runPinned('loadgen', LOADGEN_CORE, ['--import', 'tsx', 'bench/loadgen.ts', specFile], { PATH: process.env.PATH });
    const result = JSON.parse(readFileSync(spec.out, 'utf8')) as LoadResult;
    const peak = peakRssKb(server!.pid);
    if (!before) return { result, peakRssKb: peak };
    // Scraped around the whole load, ramp included.
    const after = await scrape();
    const ms = spec.durationMs + (spec.rampMs ?? 0);
    return { result, peakRssKb: peak, ...(after && { server: { server: serverSide(before, after, ms), ms } }) };
  }

  /** One server's parts (one, or a comparison's rounds) as one run. */
  function summary(target: Target, load: Load, parts: Part[]): RunSummary {
    const result = mergeLoadResults(parts.map((p) => p.result));
    const windowUs = result.windowMs * 1000;
    const others = (result.machineBusyUs - result.serverCpuUs - result.databaseCpuUs - result.loadgenCpuUs - result.kernelThreadsUs) / windowUs;
    const summed = summarise(result, {
      peakRssKb: Math.max(...parts.map((p) => p.peakRssKb)),
      otherLoadCores: Math.max(0, others),
      kernelThreadCores: result.kernelThreadsUs / windowUs,
      ...(load.rampSeconds && { rampSeconds: load.rampSeconds }),
      ...(postgres && target === 'hotline' && { database: true }),
    });
    const accounts = parts.map((p) => p.server);
    return accounts.every((a) => a !== undefined) ? { ...summed, server: mergeServerSide(accounts) } : summed;
  }

  /** One load run, on its own. */
  async function drive(target: Target, load: Load, calls: string): Promise<RunSummary> {
    return summary(target, load, [await play(target, load, calls)]);
  }

  /**
   * Request files for some calls to one server, with codes computed now: valid for the next minute at
   * least, so each server's are written just before its own runs.
   */
  function files(base: string, port: number, name: string, calls: SeededCustomer[], connections: number): string {
    const out = join(base, name);
    writeCallFiles(out, signingFor(port), calls, connections);
    return out;
  }

  try {
    log(`warm-up: ${WARMUP_SECONDS} s closed loop on each server`);
    const warmDir = files(dir, hotlinePort, 'warmup', customers.slice(0, warmCalls), WARMUP.connections);
    await drive('hotline', WARMUP, warmDir);
    if (refCustomers) await drive('ref', WARMUP, files(refDir, refPort, 'warmup', refCustomers.slice(0, warmCalls), WARMUP.connections));
    await drive('floor', WARMUP, warmDir);
    if (durable) await drive('durable floor', WARMUP, warmDir);

    let h: RunSummary;
    let r: RunSummary | undefined;
    let statements: StatementsSummary | undefined;
    let callsDir: string;
    if (refCustomers && rounds > 1) {
      // A comparison's rounds (bench/rounds.ts): each server's parts, the order changing round by round.
      const parts: Record<'new' | 'ref', Part[]> = { new: [], ref: [] };
      // The floors play the calls of this server's last part (they wrap around when a connection's run out).
      callsDir = '';
      for (let round = 0; round < rounds; round++) {
        const from = warmCalls + round * callsPerPart;
        for (const who of roundOrder(round)) {
          log(`${s.description}: round ${round + 1} of ${rounds}, ${who === 'new' ? 'hotline' : `${ref!.short}'s hotline`} (${part.seconds} s)`);
          if (who === 'new') {
            callsDir = files(dir, hotlinePort, `calls-${round + 1}`, customers.slice(from, from + callsPerPart), s.connections);
            parts.new.push(await play('hotline', part, callsDir));
          } else {
            parts.ref.push(await play('ref', part, files(refDir, refPort, `calls-${round + 1}`, refCustomers.slice(from, from + callsPerPart), s.connections)));
          }
        }
      }
      const partsText = (target: Target, list: Part[]) =>
        list.map((p) => { const one = summary(target, part, [p]); return `${one.overall.p99Ms.toFixed(2)} ms/${one.serverCpuUsPerRequest} us`; }).join(', ');
      log(`parts, p99 and CPU per request: hotline ${partsText('hotline', parts.new)}; ${ref!.short}'s ${partsText('ref', parts.ref)}`);
      h = summary('hotline', part, parts.new);
      r = summary('ref', part, parts.ref);
    } else {
      callsDir = files(dir, hotlinePort, 'calls', customers.slice(warmCalls), s.connections);
      log(`${s.description}: hotline`);
      await postgres?.resetStatements();
      h = await drive('hotline', s, callsDir);
      if (postgres?.statements && database) {
        // Backends report their WAL statistics at most once a second.
        await new Promise((resolveWait) => setTimeout(resolveWait, 1100));
        statements = summariseStatements(await postgres.statementsIn(database), h.overall.count + (h.ramp?.answers ?? 0), await postgres.walSyncs());
      }
      if (refCustomers) log(`${s.description}: ${ref!.short}'s hotline`);
      r = refCustomers ? await drive('ref', s, files(refDir, refPort, 'calls', refCustomers.slice(warmCalls), s.connections)) : undefined;
    }
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
      ratio: ratioToFloor(h, f),
      agents: AGENTS,
      ...(wrkCheck && { floorUnderWrk: wrkCheck }),
      ...(d && { durableFloor: d }),
      ...(statements && { statements }),
    };
    // REF's run as its own bench would have reported it, against the same floors.
    const refResult = r && { ...result, met: s.met(r, f), hotline: r, ratio: ratioToFloor(r, f) };
    return { result, ...(refResult && { refResult }), customers: needed };
  } finally {
    await Promise.all([hotline.stop(), refServer?.stop(), floor.stop(), durable?.stop()]);
    children.length = 0;
    if (postgres && database) await postgres.dropDatabase(database);
  }
}

/** The server's pool size on PostgreSQL, as its configuration (the bench's environment) sets it. */
function poolSize(url: string): number | undefined {
  const database = loadConfig(serverEnv(runDir, 0, url)).database;
  return database.engine === 'postgres' ? database.poolSize : undefined;
}

/** The commit the bench runs here; undefined outside a git checkout (a comparison needs one). */
function revisionHere(): Revision | undefined {
  try {
    return here(ROOT);
  } catch {
    return undefined;
  }
}

async function main(): Promise<void> {
  mkdirSync(runDir, { recursive: true });
  const scenarios = SCENARIOS.filter((s) => (options.only ? s.name === options.only : !options.profile || s.name === 'closed-50'));
  if (scenarios.length === 0) throw new Error(`no scenario named ${options.only}: ${SCENARIOS.map((s) => s.name).join(', ')}`);
  if (options.compare !== undefined && options.profile) throw new Error('--compare and --profile cannot be combined: profile one commit at a time');

  const fresh = revisionHere();
  if (options.compare !== undefined) {
    if (!fresh) throw new Error('--compare needs the bench to run in a git checkout');
    log(`checking out ${options.compare} in a worktree of its own`);
    checkout = checkOut(ROOT, options.compare, log);
    log(describe(fresh, checkout));
  }
  const ref = checkout;
  // A comparison, or PostgreSQL's seeding (a commit per customer, some 80,000 in the three scenarios), takes longer.
  armDeadline(ref ? 3 * DEADLINE_MS : DB === 'postgres' ? 2 * DEADLINE_MS : DEADLINE_MS);
  if (DB === 'postgres') {
    postgres = await startBenchPostgres({ statements: options.statements });
    postgres.pin(SERVER_CORE);
    const set = postgres.settings;
    log(
      `PostgreSQL ${postgres.version}, a throwaway cluster at ${postgres.url}, durable: fsync ${set.fsync}, synchronous_commit ${set.synchronous_commit}, ` +
        `full_page_writes ${set.full_page_writes}, wal_sync_method ${set.wal_sync_method} (SQLite runs synchronous=FULL: each answered webhook's commit is on disk); ` +
        `shared_buffers ${set.shared_buffers}; pinned to core ${SERVER_CORE}, the server's` +
        (options.statements ? (postgres.statements ? '; pg_stat_statements loaded' : `; no statement statistics: ${postgres.statementsMissing}`) : ''),
    );
  }

  const results: ScenarioResult[] = [];
  const refResults: ScenarioResult[] = [];
  const comparisons: Comparison[] = [];
  let customers = 0;
  for (const s of scenarios) {
    const { result, refResult, customers: seeded } = await runScenario(s, ref);
    customers += seeded;
    results.push(result);
    if (!ref || !refResult || !fresh) {
      console.log(`\n${formatScenario(result)}\n`);
      continue;
    }
    refResults.push(refResult);
    const comparison = compare(s.name, result.hotline, refResult.hotline);
    comparisons.push(comparison);
    console.log(`\n${formatScenario(result, `this code, ${fresh.short}${fresh.uncommitted ? '+' : ''}`)}\n`);
    console.log(`${formatScenario(refResult, `REF ${ref.ref}, ${ref.short}, against the same floor`)}\n`);
    console.log(`${formatComparison([comparison], fresh, ref)}\n`);
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
  const resultsDir = join(ROOT, 'bench', 'results');
  const out = join(resultsDir, `${stamp}Z.json`);
  const refOut = ref && join(resultsDir, `${stamp}Z-ref-${ref.short}.json`);
  const common = {
    date: new Date().toISOString(),
    db: DB,
    ...(postgres && {
      postgres: {
        version: postgres.version,
        settings: postgres.settings,
        core: SERVER_CORE,
        poolSize: poolSize(postgres.url),
        statements: postgres.statements,
      },
    }),
    ...(SECONDS !== undefined && { seconds: SECONDS }),
    machine,
    nodeFlags: NODE_FLAGS,
    agents: AGENTS,
    customers,
  };
  const judged = ref && fresh && verdict(comparisons, DISTURBED_CORES);
  mkdirSync(resultsDir, { recursive: true });
  writeFileSync(
    out,
    `${JSON.stringify(
      {
        ...common,
        ...(fresh && { commit: fresh.commit, uncommittedChanges: fresh.uncommitted }),
        scenarios: results,
        ...(ref && judged && { compare: { ref: ref.ref, commit: ref.commit, file: relative(ROOT, refOut!), rule: RULE_TEXT, comparisons, met: judged.met, verdict: judged.text } }),
      },
      null,
      2,
    )}\n`,
  );
  if (ref && refOut) {
    writeFileSync(
      refOut,
      `${JSON.stringify({ ...common, ref: ref.ref, commit: ref.commit, comparedWith: { commit: fresh!.commit, file: relative(ROOT, out) }, scenarios: refResults }, null, 2)}\n`,
    );
  }
  log(`targets: ${results.map((r) => `${r.name} ${r.met ? 'met' : 'MISSED'}`).join(', ')}`);
  if (ref && judged && fresh) {
    log(`targets of ${ref.short}: ${refResults.map((r) => `${r.name} ${r.met ? 'met' : 'MISSED'}`).join(', ')}`);
    console.log(`\n### This code against ${ref.ref}\n\n${describe(fresh, ref)}\n\n${formatComparison(comparisons, fresh, ref)}\n`);
    console.log(`Rule: ${RULE_TEXT}.\nVerdict: ${judged.text}\n`);
  }
  log(`results written to ${out}${refOut ? ` and ${refOut}` : ''}`);
}

main()
  .catch(async (err) => {
    console.error(err instanceof Error ? err.message : err);
    process.exitCode = 1;
  })
  .finally(async () => {
    for (const child of children) await child.stop(2000);
    checkout?.remove();
    postgres?.stop();
    if (!options.keep) rmSync(runDir, { recursive: true, force: true });
    clearTimeout(deadline);
  });
