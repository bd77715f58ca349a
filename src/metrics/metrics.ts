import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { CallbackRepository } from '../domain/storage/callbacks.js';
import { AGENT_STATES, type AgentRepository } from '../domain/storage/agents.js';
import type { VerificationRepository } from '../domain/storage/verification.js';
import type { Clock } from '../domain/clock.js';
import type { Verification } from '../domain/verifyCaller.js';
import { SLA_STATES, slaState } from '../domain/sla.js';

/** A value known now, or read (from storage, say) when Prometheus scrapes. */
export type GaugeSource = number | (() => number | Promise<number>);

/** The service's Prometheus metrics and the calls that feed them. */
export interface Metrics {
  readonly registry: Registry;
  /** One answered webhook: its route (e.g. "/voice/step"), HTTP status and duration. */
  observeWebhook(route: string, status: number, seconds: number): void;
  /** One commit of the caller's webhooks (src/db/commitBatch.ts): how long it took, fsync included, and how many it carried. */
  observeCommit(seconds: number, webhooks: number): void;
  /** One verification attempt's result, or `'error'` when it threw (a secret that does not open, a locked database). */
  observeVerification(result: Verification | 'error'): void;
  /**
   * A call ended (final status callback): counted once, by the outcome the flow gave it. Resolves once
   * counted: a refused call's reason is read from the audit first.
   */
  callEnded(call: { callSid: string; outcome: string | null }): Promise<void>;
  /** The caller was answered with the apology and the backup line: a webhook failed or Twilio used the fallback URL. */
  voiceApology(route: string, cause: 'error' | 'fallback_url' | 'invalid_request'): void;
  /** A request to the admin API with a missing or wrong token. */
  adminAuthFailure(): void;
  /** One try at a callback's customer, once it is decided: connected (a key pressed), no_key (answered, no key: a voicemail?), or Twilio's end of an unanswered leg. */
  callbackCustomerTry(result: CallbackTryResult): void;
  /** Callers waiting in a queue: the queue owner sets a number, or a function read at each scrape. */
  setQueueLength(length: GaugeSource, queue?: string): void;
  /** Whether the line-wide verification guard is active (1) or not (0), read at each scrape. */
  setVerificationGuard(active: () => boolean | Promise<boolean>): void;
  /** Overrides the computed dialer lag (seconds) with the dialer's own measure. */
  setDialerLag(seconds: GaugeSource): void;
  /** Adds Node's process metrics (CPU, memory, event-loop lag, GC); once, by the HTTP server. */
  collectProcessMetrics(): void;
}

/** How a try at a callback's customer ended. */
export type CallbackTryResult = 'connected' | 'no_key' | 'no-answer' | 'busy' | 'failed' | 'canceled';

const read = async (source: GaugeSource) => (typeof source === 'function' ? source() : source);
// Owed and not yet reached: a failed callback keeps its clock, the promise is still owed.
const OPEN_CALLBACKS = ['pending', 'dialing', 'failed'] as const;

/**
 * Builds the metrics over their own registry (several services in one test process do not share
 * counters). Gauges about callbacks are computed from the database at scrape time, so they are right
 * after a restart and need no bookkeeping from the code that changes callbacks.
 */
export function createMetrics(deps: {
  callbacks: CallbackRepository;
  agents: Pick<AgentRepository, 'list'>;
  verification: VerificationRepository;
  clock: Clock;
}): Metrics {
  const registry = new Registry();
  const registers = [registry];

  const webhookDuration = new Histogram({
    name: 'hotline_webhook_duration_seconds',
    help: 'Time to answer a Twilio webhook, by route and HTTP status (Twilio gives up after 15 s).',
    labelNames: ['route', 'status'],
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 15],
    registers,
  });
  const commitDuration = new Histogram({
    name: 'hotline_db_commit_duration_seconds',
    help: "Time to commit one batch of the caller's webhooks with synchronous=FULL, the disk's fsync included: every answer in the batch waits for it.",
    buckets: [0.00025, 0.0005, 0.001, 0.002, 0.003, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1],
    registers,
  });
  const commitWebhooks = new Counter({
    name: 'hotline_db_committed_webhooks_total',
    help: "Caller's webhooks committed; divided by hotline_db_commit_duration_seconds_count, the webhooks per commit.",
    registers,
  });
  const callsEnded = new Counter({
    name: 'hotline_calls_ended_total',
    help: 'Calls ended, by outcome (transferred, callback, refused, not-enterprise, p3-info, too-many-tries, abandoned, ...); refused calls carry the last refusal reason.',
    labelNames: ['outcome', 'reason'],
    registers,
  });
  const verifications = new Counter({
    name: 'hotline_verifications_total',
    help: 'Verification attempts of a customer ID and code, by result and reason.',
    labelNames: ['result', 'reason'],
    registers,
  });
  const lockouts = new Counter({
    name: 'hotline_verification_lockouts_total',
    help: 'Customer IDs locked after repeated failures.',
    registers,
  });
  const apologies = new Counter({
    name: 'hotline_voice_apologies_total',
    help: 'Callers answered with the apology and the backup line, by route and cause.',
    labelNames: ['route', 'cause'],
    registers,
  });
  const adminAuthFailures = new Counter({
    name: 'hotline_admin_auth_failures_total',
    help: 'Admin API requests refused for a missing or wrong bearer token.',
    registers,
  });

  // The gauges' reads of this scrape, still running. Registered after the gauges (below) and read once
  // they are done, so a scrape shows the errors of that same scrape.
  const reading = new Set<Promise<void>>();
  const scrapeErrors = new Counter({
    name: 'hotline_metrics_scrape_errors_total',
    help: 'Gauges that could not be read from the database at scrape time (they are left out; see /readyz).',
    labelNames: ['gauge'],
    registers: [],
    async collect() {
      await Promise.all(reading);
    },
  });
  // During an incident the counters matter most: a gauge that cannot read the database is left out, not fatal.
  const guarded = async (gauge: { reset(): void }, name: string, collect: () => Promise<void>) => {
    const done = collect().catch(() => {
      gauge.reset();
      scrapeErrors.inc({ gauge: name });
    });
    reading.add(done);
    try {
      await done;
    } finally {
      reading.delete(done);
    }
  };

  const queueSources = new Map<string, GaugeSource>();
  new Gauge({
    name: 'hotline_queue_length',
    help: 'Callers waiting in a queue for a free agent.',
    labelNames: ['queue'],
    registers,
    async collect() {
      await guarded(this, 'hotline_queue_length', async () => {
        // Every queue read first, then the gauge reset and set at once: two scrapes at a time cannot mix their series.
        const lengths = await Promise.all([...queueSources].map(async ([queue, source]) => [queue, await read(source)] as const));
        this.reset();
        for (const [queue, length] of lengths) this.set({ queue }, length);
      });
    },
  });

  let guardActive: (() => boolean | Promise<boolean>) | undefined;
  new Gauge({
    name: 'hotline_verification_guard_active',
    help: 'Whether refused codes across the whole line are above the guessing threshold (HOTLINE_GUARD_REFUSED_CODES in HOTLINE_GUARD_WINDOW_MINUTES): 1 active, 0 not.',
    registers,
    async collect() {
      await guarded(this, 'hotline_verification_guard_active', async () => this.set((await guardActive?.()) ? 1 : 0));
    },
  });

  let dialerLag: GaugeSource | undefined;
  new Gauge({
    name: 'hotline_dialer_lag_seconds',
    help: 'How far past its deadline the most overdue pending callback is (0 when none is overdue).',
    registers,
    async collect() {
      await guarded(this, 'hotline_dialer_lag_seconds', async () => {
        if (dialerLag !== undefined) return this.set(await read(dialerLag));
        const [oldest] = await deps.callbacks.list({ statuses: ['pending'], limit: 1 });
        const now = deps.clock.now();
        this.set(oldest && oldest.dueAt < now ? (now - oldest.dueAt) / 1000 : 0);
      });
    },
  });

  new Gauge({
    name: 'hotline_callbacks_open',
    help: 'Callbacks owed and not yet connected (pending, dialing or failed), by priority and SLA state (on_time, at_risk under 15 min left, breached).',
    labelNames: ['priority', 'sla_state'],
    registers,
    async collect() {
      await guarded(this, 'hotline_callbacks_open', async () => {
        const open = await deps.callbacks.list({ statuses: [...OPEN_CALLBACKS], limit: 100_000 });
        const now = deps.clock.now();
        const counts = new Map<string, number>();
        for (const priority of ['P1', 'P2']) for (const state of SLA_STATES) counts.set(`${priority} ${state}`, 0);
        for (const callback of open) {
          const key = `${callback.priority} ${slaState(callback, now)}`;
          counts.set(key, (counts.get(key) ?? 0) + 1);
        }
        this.reset();
        for (const [key, n] of counts) {
          const [priority, sla_state] = key.split(' ') as [string, string];
          this.set({ priority, sla_state }, n);
        }
      });
    },
  });

  new Gauge({
    name: 'hotline_agents',
    help: 'Current agents by state (off-duty, available, offered, ringing-callback, on-call), as the console and the flow see them.',
    labelNames: ['state'],
    registers,
    async collect() {
      await guarded(this, 'hotline_agents', async () => {
        const agents = await deps.agents.list();
        const counts = new Map<string, number>(AGENT_STATES.map((state) => [state, 0]));
        for (const agent of agents) counts.set(agent.state, (counts.get(agent.state) ?? 0) + 1);
        this.reset();
        for (const [state, n] of counts) this.set({ state }, n);
      });
    },
  });

  registry.registerMetric(scrapeErrors);
  const callbackTries = new Counter({
    name: 'hotline_callback_customer_tries_total',
    help: "Tries at callbacks' customers by how they ended: connected (the customer pressed a key), no_key (answered but no key: a voicemail, most likely), no-answer, busy, failed, canceled.",
    labelNames: ['result'],
    registers,
  });

  let processMetrics = false;
  return {
    registry,
    observeWebhook: (route, status, seconds) => webhookDuration.observe({ route, status: String(status) }, seconds),
    observeCommit(seconds, webhooks) {
      commitDuration.observe(seconds);
      commitWebhooks.inc(webhooks);
    },
    observeVerification(result) {
      if (result === 'error') return verifications.inc({ result: 'error', reason: 'error' });
      if (result.verified) return verifications.inc({ result: 'verified', reason: 'ok' });
      verifications.inc({ result: 'refused', reason: result.reason });
      if (result.lockedNow) lockouts.inc();
    },
    async callEnded({ callSid, outcome }) {
      // The reason a call was refused is the last refusal the audit holds for it.
      const reason = outcome === 'refused' ? ((await deps.verification.audit({ callSid, limit: 1 }))[0]?.reason ?? 'unknown') : '';
      callsEnded.inc({ outcome: outcome ?? 'abandoned', reason });
    },
    voiceApology: (route, cause) => apologies.inc({ route, cause }),
    adminAuthFailure: () => adminAuthFailures.inc(),
    callbackCustomerTry: (result) => callbackTries.inc({ result }),
    setQueueLength: (length, queue = 'p1') => void queueSources.set(queue, length),
    setDialerLag: (seconds) => void (dialerLag = seconds),
    setVerificationGuard: (active) => void (guardActive = active),
    collectProcessMetrics() {
      if (processMetrics) return;
      processMetrics = true;
      collectDefaultMetrics({ register: registry });
    },
  };
}
