import type { Logger } from 'pino';
import type { Config } from './config.js';
import { SecretBox } from './crypto/secretBox.js';
import { type Agent } from './domain/storage/agents.js';
import { isFreeAt } from './domain/duty.js';
import { createSqliteAgentRepository } from './db/agentRepository.js';
import { createSqliteCallbackDeskRepository } from './db/callbackDeskRepository.js';
import { createSqliteCallbackRepository } from './db/callbackRepository.js';
import { createSqliteCallRepository } from './db/callRepository.js';
import { createCommitBatch } from './db/commitBatch.js';
import { startBackgroundCheckpoints, type CheckpointOptions } from './db/backgroundCheckpoints.js';
import { createSqliteCredentialRepository } from './db/credentialRepository.js';
import { createSqliteCustomerRepository } from './db/customerRepository.js';
import { checkDatabase, closeDatabase, openDatabase, type SqliteDb } from './db/database.js';
import { createSqliteNumberRepository } from './db/numberRepository.js';
import { createSqliteQueueRepository } from './db/queueRepository.js';
import { createSqliteSessionRepository } from './db/sessionRepository.js';
import { createSqliteVerificationRepository } from './db/verificationRepository.js';
import { countriesOf } from './domain/callbackNumbers.js';
import { systemClock, type Clock } from './domain/clock.js';
import { createCustomerService } from './domain/customers.js';
import { AGENT_OFFER_HOLD_MS } from './domain/serviceNumbers.js';
import { createCallbackDialing } from './dialer/index.js';
import { createVerifyCaller } from './domain/verifyCaller.js';
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
export function secretKeyProblem(hotline: { missingSecretKeys(): string[]; config: { localMode: boolean } }): string | undefined {
  const missing = hotline.missingSecretKeys();
  if (missing.length === 0) return undefined;
  return (
    `the database holds customers' secrets sealed with key ${missing.join(', ')}, which neither ` +
    `HOTLINE_SECRET_KEY nor HOTLINE_SECRET_KEY_PREVIOUS provides${hotline.config.localMode ? ' (running in local mode: a production variable is unset or misspelled)' : ''}; ` +
    'set the key they were sealed with'
  );
}

/**
 * The agents on duty as a call's step sees them. Free: not on a call, and not just offered a call that
 * may still be ringing. Every P1 step builds this list, so `free` is written before the spread: added
 * after it, each object would get a hidden class of its own, and the young-generation collector would
 * keep the whole webhook's objects alive with it (README, "Performance").
 */
export function onDutyOffers(onDuty: readonly Agent[], now: number): Array<AgentOffer & { free: boolean }> {
  return onDuty.map((a) => ({
    free: isFreeAt(a, now, AGENT_OFFER_HOLD_MS),
    ...agentOffer(a),
  }));
}

/** Everything the HTTP server, the CLI and the workers share: repositories and domain services over one database. */
export function createHotline({
  config,
  logger,
  clock = systemClock,
  db = openDatabase(config.dbPath, { busyTimeoutMs: config.dbBusyTimeoutMs }),
}: {
  config: Config;
  logger: Logger;
  clock?: Clock;
  db?: SqliteDb;
}) {
  const box = new SecretBox(config.secretKeys);
  const agents = createSqliteAgentRepository(db, clock, AGENT_OFFER_HOLD_MS);
  const callbacks = createSqliteCallbackRepository(db);
  const queue = createSqliteQueueRepository(db);
  const repos = {
    queue,
    customers: createSqliteCustomerRepository(db),
    verification: createSqliteVerificationRepository(db),
    agents,
    callbacks,
    calls: createSqliteCallRepository(db, { agents, callbacks, queue }),
    numbers: createSqliteNumberRepository(db),
    credentials: createSqliteCredentialRepository(db),
    sessions: createSqliteSessionRepository(db),
    desk: createSqliteCallbackDeskRepository(db),
  };
  const customers = createCustomerService({ ...repos, box, clock, issuer: 'Hotline' });
  const metrics = createMetrics({ ...repos, clock });
  const batch = createCommitBatch(db, { onCommit: (seconds, webhooks) => metrics.observeCommit(seconds, webhooks) });
  // Read at each scrape, so the gauge is right after a restart and the queue code need not report it.
  metrics.setQueueLength(() => queue.waitingCount(), 'p1');
  const guard = createVerificationGuard({ verification: repos.verification, clock, logger, policy: config.verificationGuard });
  metrics.setVerificationGuard(() => guard.check());
  const verifyCaller = countVerifications(createVerifyCaller({ ...repos, box, clock, logger, guard }), metrics);
  const statusPage = new StatusPage(config.statusUrl, logger);
  // The callback dialer's repository, twilio client, webhooks and SMS confirmations.
  const callbackDialing = createCallbackDialing({
    config,
    logger,
    clock,
    db,
    repos,
    flushCommits: () => batch.flush(),
    onCustomerTry: (result) => metrics.callbackCustomerTry(result),
  });
  const agentsOnDuty = () => {
    const now = clock.now();
    return onDutyOffers(agents.onDutyAt(now), now);
  };
  const configuredCountries = config.callbackCountries && new Set(config.callbackCountries);
  // Read when a caller types a number, not at start-up: a number or a customer added since counts at once.
  const callbackCountries = () =>
    configuredCountries ?? countriesOf([...repos.numbers.list().map((n) => n.e164), ...repos.customers.phonesOnFile()]);
  const base = config.publicBaseUrl;
  const webhookUrl = webhookUrls(base, config.connectionOverrides);
  const p1Queue = createP1Queue({
    queue,
    agentsOnDuty,
    agentById: (id) => agents.get(id),
    markOffered: (id, at) => agents.markOffered(id, at),
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
    ...repos,
    agentsOnDuty,
    queueOffer: (callSid) => p1Queue.offerFor(callSid),
    verifyCaller,
    clock,
    logger,
    incidents: () => statusPage.unresolved(),
    callbackCountries,
    backupNumber: config.backupNumber,
    inputDigest: box.digester('retry-key'),
    // Texts go out only once the step that promised the callback is on disk.
    afterCommit: (call, writes) => writes.scheduleCallback && batch.afterCommit(() => callbackDialing.confirmations.afterCommit(call, writes)),
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
    repos,
    customers,
    verifyCaller,
    statusPage,
    engine,
    p1Queue,
    /** The absolute URL Twilio is given for a path, with the configured connection overrides. */
    webhookUrl,
    /** Group commit for the caller's webhooks (see src/db/commitBatch.ts). */
    commits: batch,
    callbackDialing,
    metrics,
    /**
     * Ids of keys the stored secrets are sealed with that the configuration does not provide: their
     * customers could not be verified. Set HOTLINE_SECRET_KEY wrong, or leave it out so that the local
     * secrets file's key is used, and every one of them would be sent to the backup line.
     */
    missingSecretKeys: (): string[] => repos.customers.sealingKeyIds().filter((id) => !box.hasKey(id)),
    /** Whether the database answers a read of a real table, and why not when it does not. */
    readiness: () => checkDatabase(db),
    /** The server's WAL checkpoints on a worker thread (see src/db/backgroundCheckpoints.ts). */
    startBackgroundCheckpoints(options?: CheckpointOptions) {
      return startBackgroundCheckpoints(db, config.dbPath, logger, batch, options);
    },
    close(): void {
      statusPage.stop();
      batch.flush();
      closeDatabase(db);
    },
  };
}

export type Hotline = ReturnType<typeof createHotline>;
