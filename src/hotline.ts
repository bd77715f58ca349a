import type { Logger } from 'pino';
import type { Config } from './config.js';
import { SecretBox } from './crypto/secretBox.js';
import { isFreeAt } from './domain/duty.js';
import { startBackgroundCheckpoints, type CheckpointOptions } from './db/backgroundCheckpoints.js';
import { openDatabase, type SqliteDb } from './db/database.js';
import { createSqliteStore } from './db/store.js';
import type { Agent, AgentRepository } from './domain/storage/agents.js';
import type { Repositories, Store } from './domain/storage/index.js';
import { countriesOf } from './domain/callbackNumbers.js';
import { systemClock, type Clock } from './domain/clock.js';
import { createApiKeyService } from './domain/apiKeys.js';
import { createCustomerService } from './domain/customers.js';
import { createPanelSessions } from './domain/panelSessions.js';
import { AGENT_OFFER_HOLD_MS } from './domain/serviceNumbers.js';
import { createCallbackDialing } from './dialer/index.js';
import { createVerifyCaller, keepingUnreadableAudit, type VerifyContext } from './domain/verifyCaller.js';
import { createVerificationGuard } from './domain/verificationGuard.js';
import { countVerifications } from './metrics/countVerifications.js';
import { createMetrics } from './metrics/metrics.js';
import { createFlowEngine } from './voice/engine.js';
import { agentOffer, type AgentOffer } from './voice/flow.js';
import { createP1Queue } from './voice/queue.js';
import { StatusPage } from './voice/statusPage.js';
import { webhookUrls } from './twilio/webhookUrls.js';
import { emergencyFlow } from '../voice-flows/emergency.js';

/** Why the stored secrets cannot be used with this configuration, or undefined when they can. */
export async function secretKeyProblem(hotline: {
  missingSecretKeys(): Promise<string[]>;
  config: { localMode: boolean };
}): Promise<string | undefined> {
  const missing = await hotline.missingSecretKeys();
  if (missing.length === 0) return undefined;
  return (
    `the database holds customers' secrets sealed with key ${missing.join(', ')}, which neither ` +
    `HOTLINE_SECRET_KEY nor HOTLINE_SECRET_KEY_PREVIOUS provides${hotline.config.localMode ? ' (running in local mode: a production variable is unset or misspelled)' : ''}; ` +
    'set the key they were sealed with'
  );
}

/**
 * The agents on duty as a call's step sees them. Free: available, by the one function of an agent's
 * state (src/domain/duty.ts, activity): not on a call, not held by an offer that has not ended. Every P1 step builds this list, so `free` is written before the spread: added
 * after it, each object would get a hidden class of its own, and the young-generation collector would
 * keep the whole webhook's objects alive with it (docs/performance.md).
 */
export function onDutyOffers(onDuty: readonly Agent[]): Array<AgentOffer & { free: boolean }> {
  return onDuty.map((a) => ({
    free: a.state === 'available',
    ...agentOffer(a),
  }));
}

/** Everything the HTTP server, the CLI and the workers share: repositories and domain services over one database. */
export function createHotline({
  config,
  logger,
  clock = systemClock,
  db,
  store: givenStore,
}: {
  config: Config;
  logger: Logger;
  clock?: Clock;
  /** The SQLite database, opened from config.dbPath when neither it nor `store` is given. */
  db?: SqliteDb;
  /** A store of another engine, opened already (PostgreSQL: see openStore in src/startupErrors.ts). */
  store?: Store;
}) {
  const box = new SecretBox(config.secretKeys);
  // Told after each group commit; the metrics are made below, over the store.
  const observeCommit = (seconds: number, units: number) => metrics.observeCommit(seconds, units);
  const sqliteDb = givenStore ? undefined : (db ?? openDatabase(config.dbPath, { busyTimeoutMs: config.dbBusyTimeoutMs }));
  const sqlite = sqliteDb && createSqliteStore(sqliteDb, { clock, offerHoldMs: AGENT_OFFER_HOLD_MS, onCommit: observeCommit });
  const store: Store = givenStore ?? sqlite!;
  const customers = createCustomerService({ ...store, box, clock, issuer: 'Hotline' });
  const apiKeys = createApiKeyService({ apiKeys: store.apiKeys, clock });
  const panelSessions = createPanelSessions({ box, clock, lifetimeMs: config.panelSessionMs, customers: store.customers, apiKeys: store.apiKeys });
  const metrics = createMetrics({ ...store, clock });
  // Read at each scrape, so the gauge is right after a restart and the queue code need not report it.
  metrics.setQueueLength(() => store.queue.waitingCount(), 'p1');
  const guard = createVerificationGuard({ verification: store.verification, clock, logger, policy: config.verificationGuard });
  metrics.setVerificationGuard(() => guard.check());
  const verifyCaller = countVerifications(createVerifyCaller({ box, clock, logger, guard }), metrics);
  const statusPage = new StatusPage(config.statusUrl, logger);
  // The callback dialer's twilio client, webhooks and SMS confirmations.
  const callbackDialing = createCallbackDialing({
    config,
    logger,
    clock,
    store,
    onCustomerTry: (result) => metrics.callbackCustomerTry(result),
  });
  const agentsOnDuty = async (agents: AgentRepository) => {
    const now = clock.now();
    return onDutyOffers(await agents.onDutyAt(now));
  };
  const configuredCountries = config.callbackCountries && new Set(config.callbackCountries);
  // Read when a caller types a number, not at start-up: a number or a customer added since counts at once.
  const callbackCountries = async (tx: Repositories) =>
    configuredCountries ?? countriesOf([...(await tx.numbers.list()).map((n) => n.e164), ...(await tx.customers.phonesOnFile())]);
  const base = config.publicBaseUrl;
  const webhookUrl = webhookUrls(base, config.connectionOverrides);
  const p1Queue = createP1Queue({
    store,
    agentsOnDuty,
    clock,
    logger,
    urls: {
      wait: (callSid) => webhookUrl(`/voice/queue/wait?call=${callSid}`),
      key: (callSid) => webhookUrl(`/voice/queue/key?call=${callSid}`),
      // Audio for <Play>, not a webhook: no overrides.
      holdMusic: `${base}/voice/hold-music.wav`,
    },
  });
  const engine = createFlowEngine(emergencyFlow, {
    store,
    agentsOnDuty,
    queueOffer: (tx, callSid) => p1Queue.offerFor(tx, callSid),
    verifyCaller,
    clock,
    logger,
    incidents: () => statusPage.unresolved(),
    callbackCountries,
    backupNumber: config.backupNumber,
    inputDigest: box.digester('retry-key'),
    // Texts go out only once the step that promised the callback is on disk.
    afterCommit: (call, changes) => {
      callbackDialing.confirmations.afterCommit(call, changes.scheduleCallback);
      callbackDialing.escalations.afterCommit(call, changes.scheduleCallback);
    },
    urls: {
      step: (step) => webhookUrl(`/voice/step?step=${step}`),
      whisper: (callSid, agentId) => webhookUrl(`/voice/whisper?call=${callSid}&agent=${agentId}`),
      queueWait: (callSid) => webhookUrl(`/voice/queue/wait?call=${callSid}`),
      deskWhisper: (callSid) => webhookUrl(`/voice/whisper/desk?call=${callSid}`),
    },
  });
  return {
    config,
    logger,
    clock,
    /** The storage port (src/domain/storage): SQLite, or PostgreSQL when HOTLINE_DATABASE_URL is set. */
    store,
    customers,
    /** API keys with scopes: made, listed, revoked, and checked for each admin request. */
    apiKeys,
    /** Short-lived sessions of one customer's panel, made with a dashboard key. */
    panelSessions,
    /** Checks a (customer ID, code) pair as a call's step does, as a unit of work of its own. */
    verifyCaller: (customerId: string, code: string, context: VerifyContext) =>
      keepingUnreadableAudit(store.verification, () => store.unitOfWork((tx) => verifyCaller(tx, customerId, code, context))),
    statusPage,
    engine,
    p1Queue,
    /** The absolute URL Twilio is given for a path, with the configured connection overrides. */
    webhookUrl,
    callbackDialing,
    metrics,
    /**
     * Ids of keys the stored secrets are sealed with that the configuration does not provide: their
     * customers could not be verified. Set HOTLINE_SECRET_KEY wrong, or leave it out so that the local
     * secrets file's key is used, and every one of them would be sent to the backup line.
     */
    missingSecretKeys: async (): Promise<string[]> => (await store.customers.sealingKeyIds()).filter((id) => !box.hasKey(id)),
    /** Whether the database answers a read of a real table, and why not when it does not. */
    readiness: () => store.readiness(),
    /** The server's WAL checkpoints on a worker thread (see src/db/backgroundCheckpoints.ts); none on PostgreSQL. */
    startBackgroundCheckpoints(options?: CheckpointOptions): { stop(): Promise<void> } {
      if (!sqliteDb || !sqlite) return { stop: () => Promise.resolve() };
      return startBackgroundCheckpoints(sqliteDb, config.dbPath, logger, sqlite.batch, options);
    },
    async close(): Promise<void> {
      statusPage.stop();
      // Escalations under way record how they went before the store goes.
      await callbackDialing.escalations.idle();
      await store.close();
    },
  };
}

export type Hotline = ReturnType<typeof createHotline>;
