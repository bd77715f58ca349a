/**
 * The chaos run: PostgreSQL, two hotline instances and HAProxy in front; complete verified calls played
 * through HAProxy at a steady rate, signed as Twilio signs them and retried as Twilio's connection
 * overrides say; one instance killed with SIGKILL part-way and started again later.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startPostgres } from '../postgres.mjs';
import { loadConfig } from '../../src/config.js';
import { codeForStep, timeStepAt } from '../../src/domain/totp.js';
import { scripted } from '../../src/simulator/input.js';
import { CallWalker } from '../../src/simulator/walker.js';
import { findHaproxy, freePorts, Haproxy, Instance, type ServerStats } from './cluster.js';
import { seedChaos } from './seed.js';
import { parseOverrides, twilioFetch, type FailureClass, type WebhookRecord } from './twilioTransport.js';

/** The overrides docs/operations.md gives: on the number's voice URL and in HOTLINE_TWILIO_CONNECTION_OVERRIDES. */
export const DOCUMENTED_OVERRIDES = 'ct=1500&rt=6000&tt=9000&rc=1&rp=ct,rt,5xx';

export interface ChaosOptions {
  durationS: number;
  /** New calls a second. */
  rate: number;
  killAtS: number;
  /** When the killed instance is started again; never when not given. */
  restartAtS?: number;
  /** An empty PostgreSQL database to use; without it a throwaway cluster is started. */
  databaseUrl?: string;
  overrides?: string;
  /** How long a caller takes to type each answer (default 1000 ms), so calls are in progress when the instance dies. */
  typingMs?: number;
  /** Progress lines. */
  log?: (line: string) => void;
}

export interface ChaosReport {
  callsStarted: number;
  callsCompleted: number;
  /** The calls that did not complete, with their first error. */
  incomplete: Array<{ callSid: string; error: string }>;
  webhooks: number;
  /** Tries of a webhook that failed, by class (Twilio tried again when its policy names the class). */
  failedTries: Partial<Record<FailureClass, number>>;
  /** Webhooks whose last try failed too: Twilio would have gone to the fallback URL. */
  webhooksFailed: number;
  /** Calls in progress when the instance was killed. */
  callsAcrossKill: number;
  p50Ms: number;
  p99Ms: number;
  /** Webhooks in progress in the 5 s from the kill (the ones it cut off included): how many, their p99 and slowest. */
  afterKill: { webhooks: number; p99Ms: number; maxMs: number };
  afterRestart?: { webhooks: number; p99Ms: number; maxMs: number };
  /** Seconds from the kill until HAProxy's checks marked the instance down. */
  markedDownAfterS: number;
  /** Seconds from the restart until the instance was ready, and until HAProxy's checks marked it up again. */
  readyAfterS?: number;
  markedUpAfterS?: number;
  haproxy: ServerStats[];
}

const quantile = (sorted: number[], q: number) => (sorted.length === 0 ? 0 : sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)]!);
const sleepUntil = (at: number) => new Promise((resolve) => setTimeout(resolve, Math.max(0, at - Date.now())));

/** Latency figures of the webhooks in progress at any time within [from, to): those cut off at `from` included. */
function window(records: WebhookRecord[], from: number, to: number) {
  const ms = records.filter((r) => r.startedAt < to && r.startedAt + r.ms >= from).map((r) => r.ms).sort((a, b) => a - b);
  return { webhooks: ms.length, p99Ms: quantile(ms, 0.99), maxMs: ms.at(-1) ?? 0 };
}

export async function runChaos(options: ChaosOptions): Promise<ChaosReport> {
  const log = options.log ?? (() => {});
  const haproxyBinary = findHaproxy();
  if (!haproxyBinary) throw new Error('HAProxy is not installed: apt-get install -y haproxy (or set HOTLINE_HAPROXY to its binary)');
  const overrides = options.overrides ?? DOCUMENTED_OVERRIDES;
  const typingMs = options.typingMs ?? 1000;
  const dir = mkdtempSync(join(tmpdir(), 'hotline-chaos-'));
  const cleanup: Array<() => Promise<void> | void> = [];
  let succeeded = false;
  try {
    let databaseUrl = options.databaseUrl;
    if (!databaseUrl) {
      const cluster = await startPostgres();
      cleanup.push(() => cluster.stop());
      databaseUrl = cluster.url;
    }
    const [lbPort, statsPort, port1, port2] = (await freePorts(4)) as [number, number, number, number];
    const publicBaseUrl = `http://127.0.0.1:${lbPort}`;
    const env: Record<string, string> = {
      HOTLINE_DATABASE_URL: databaseUrl,
      PUBLIC_BASE_URL: publicBaseUrl,
      TWILIO_ACCOUNT_SID: `AC${randomBytes(16).toString('hex')}`,
      TWILIO_AUTH_TOKEN: randomBytes(16).toString('hex'),
      HOTLINE_SECRET_KEY: randomBytes(32).toString('base64'),
      HOTLINE_ADMIN_TOKEN: randomBytes(24).toString('base64url'),
      HOTLINE_BACKUP_NUMBER: '+15555550123',
      HOTLINE_TWILIO_CONNECTION_OVERRIDES: overrides,
      // The dialer runs in each server, as in production; nothing may reach the real Twilio API.
      HOTLINE_DIALER_IN_SERVER: 'true',
      HOTLINE_TWILIO_API_URL: 'http://127.0.0.1:9',
      LOG_LEVEL: 'info',
    };
    const instances = [
      new Instance('hotline1', port1, env, join(dir, 'hotline1.log')),
      new Instance('hotline2', port2, env, join(dir, 'hotline2.log')),
    ];
    cleanup.push(() => Promise.all(instances.map((i) => i.stop('SIGTERM'))).then(() => {}));
    log(`starting two instances on one PostgreSQL database (logs in ${dir})`);
    await Promise.all(instances.map((i) => i.start()));

    const calls = Math.round(options.durationS * options.rate);
    const config = loadConfig(env, { generateLocal: false });
    const customers = await seedChaos(config, { customers: calls, agents: 20 });
    log(`seeded ${customers.length} customers and 20 agents on duty`);

    const haproxy = await Haproxy.start(haproxyBinary, dir, lbPort, statsPort, instances);
    cleanup.push(() => haproxy.stop());
    log(`haproxy in front at ${publicBaseUrl} (deploy/haproxy.cfg); Twilio's overrides #${overrides}`);

    const records: WebhookRecord[] = [];
    const transport = twilioFetch(parseOverrides(overrides), (r) => records.push(r));
    const start = Date.now() + 200;
    const killAt = start + options.killAtS * 1000;
    const victim = instances[0]!;
    let killedAt = NaN;
    let markedDownAt = NaN;
    let markedUpAt = NaN;
    let restartedAt = NaN;
    let readyAt = NaN;
    const spans: Array<{ startedAt: number; endedAt: number }> = [];

    const chaos = (async () => {
      await sleepUntil(killAt);
      // In the middle of a webhook if one comes within a second: the worst moment to die.
      const busy = await haproxy.waitUntilBusy(victim.name, 1000);
      killedAt = Date.now();
      await victim.stop('SIGKILL');
      log(`${((killedAt - start) / 1000).toFixed(1)} s: ${victim.name} killed (SIGKILL)${busy ? ' while answering a webhook' : ''}`);
      markedDownAt = await haproxy.waitForStatus(victim.name, 'DOWN', 10_000);
      if (options.restartAtS === undefined) return;
      await sleepUntil(start + options.restartAtS * 1000);
      restartedAt = Date.now();
      await victim.start();
      readyAt = Date.now();
      log(`${((readyAt - start) / 1000).toFixed(1)} s: ${victim.name} started again and ready`);
      markedUpAt = await haproxy.waitForStatus(victim.name, 'UP', 15_000);
    })();
    // Kept until the calls are done, then thrown: not an unhandled rejection in the middle of them.
    const chaosDone = chaos.then(
      () => undefined,
      (err: unknown) => err,
    );

    const walks: Array<Promise<{ callSid: string; ok: boolean; error: string }>> = [];
    for (let i = 0; i < calls; i += 1) {
      await sleepUntil(start + (i * 1000) / options.rate);
      const customer = customers[i]!;
      const typed = () => new Promise<true>((resolve) => setTimeout(() => resolve(true), typingMs));
      const walker = new CallWalker({
        baseUrl: publicBaseUrl,
        publicBaseUrl,
        authToken: env.TWILIO_AUTH_TOKEN!,
        accountSid: env.TWILIO_ACCOUNT_SID!,
        // A calling number of its own per call: no caller looks like one number cycling through IDs.
        from: `+1415${String(2_000_000 + i)}`,
        to: '+15555550199',
        // The caller takes a moment to type each answer, and reads the dashboard code as they type it.
        input: scripted([
          async () => (await typed()) && `${customer.customerId}#`,
          async () => (await typed()) && codeForStep(customer.secret, timeStepAt(Date.now())),
          async () => (await typed()) && '1',
          'agent:accept',
        ]),
        fetch: transport,
      });
      const startedAt = Date.now();
      walks.push(
        walker.walk().then((t) => {
          spans.push({ startedAt, endedAt: Date.now() });
          const reachedAgent = t.events.some((e) => e.kind === 'dial-result' && e.bridged);
          const verified = t.said().includes('You are verified.');
          const error = t.errors()[0] ?? (!verified ? 'not verified' : !reachedAgent ? 'no agent reached' : '');
          return { callSid: walker.callSid, ok: t.ok && verified && reachedAgent, error };
        }),
      );
      if (i > 0 && i % Math.max(1, Math.round(options.rate * 10)) === 0) log(`${((Date.now() - start) / 1000).toFixed(0)} s: ${i} calls started`);
    }
    const results = await Promise.all(walks);
    const chaosFailed = await chaosDone;
    if (chaosFailed) throw chaosFailed;
    const haproxyStats = await haproxy.stats();

    const ms = records.map((r) => r.ms).sort((a, b) => a - b);
    const failedTries: Partial<Record<FailureClass, number>> = {};
    for (const r of records) for (const f of r.failures) failedTries[f] = (failedTries[f] ?? 0) + 1;
    const report: ChaosReport = {
      callsStarted: results.length,
      callsCompleted: results.filter((r) => r.ok).length,
      incomplete: results.filter((r) => !r.ok).map(({ callSid, error }) => ({ callSid, error })),
      webhooks: records.length,
      failedTries,
      webhooksFailed: records.filter((r) => !r.ok).length,
      callsAcrossKill: spans.filter((s) => s.startedAt < killedAt && s.endedAt > killedAt).length,
      p50Ms: quantile(ms, 0.5),
      p99Ms: quantile(ms, 0.99),
      afterKill: window(records, killedAt, killedAt + 5000),
      markedDownAfterS: (markedDownAt - killedAt) / 1000,
      ...(options.restartAtS !== undefined && {
        afterRestart: window(records, readyAt, readyAt + 5000),
        readyAfterS: (readyAt - restartedAt) / 1000,
        markedUpAfterS: (markedUpAt - restartedAt) / 1000,
      }),
      haproxy: haproxyStats,
    };
    succeeded = report.callsCompleted === report.callsStarted;
    return report;
  } finally {
    for (const step of cleanup.reverse()) await step();
    if (succeeded) rmSync(dir, { recursive: true, force: true });
    else log(`logs kept in ${dir}`);
  }
}
