/**
 * The callback dialer's parts built over one database: the repository, the twilio client, the
 * webhooks of callback calls, SMS confirmations, and a factory for the worker. The server and
 * `npm run worker` (src/dialer/main.ts) both build it through createHotline.
 */
import type { Logger } from 'pino';
import type { Config } from '../config.js';
import type { AgentRepository } from '../domain/storage/agents.js';
import { createSqliteCallbackDialerRepository } from '../db/callbackDialerRepository.js';
import type { CallbackRepository } from '../domain/storage/callbacks.js';
import type { CallRepository } from '../domain/storage/calls.js';
import type { CustomerRepository } from '../domain/storage/customers.js';
import type { SqliteDb } from '../db/database.js';
import type { NumberRepository } from '../domain/storage/numbers.js';
import type { Clock } from '../domain/clock.js';
import type { CallbackTryResult } from '../metrics/metrics.js';
import { createTwilioClient, type TwilioClient } from '../twilio/client.js';
import { freeAgentsOf, type FreeAgents } from './agents.js';
import { createCallbackCalls } from './callbackCalls.js';
import { createCallbackDialer, type CallbackDialer } from './dialer.js';
import { createCallbackConfirmations } from './sms.js';
import { callbackUrls } from './urls.js';

export interface CallbackDialingDeps {
  config: Config;
  logger: Logger;
  clock: Clock;
  db: SqliteDb;
  repos: {
    agents: AgentRepository;
    callbacks: CallbackRepository;
    calls: CallRepository;
    customers: CustomerRepository;
    numbers: NumberRepository;
  };
  /** Default: the real client from config (undefined in local mode). */
  twilio?: TwilioClient | undefined;
  /** Commits the writes batched with the caller's webhooks now (see src/db/commitBatch.ts). */
  flushCommits?: () => void;
  /** Told once per decided try at a callback's customer (the server's metrics). */
  onCustomerTry?: (result: CallbackTryResult) => void;
}

export function createCallbackDialing(deps: CallbackDialingDeps) {
  const { config, logger, clock, repos } = deps;
  const twilio = 'twilio' in deps ? deps.twilio : createTwilioClient(config);
  const repository = createSqliteCallbackDialerRepository(deps.db, { agents: repos.agents });
  const urls = callbackUrls(config.publicBaseUrl, config.connectionOverrides);
  const callerIds = { callerId: config.callerId, calls: repos.calls, numbers: repos.numbers };
  const shared = { dialer: repository, callerIds, twilio, clock, logger, urls, leaseMs: config.dialer.leaseMs };
  const calls = createCallbackCalls({
    ...shared,
    callbacks: repos.callbacks,
    customers: repos.customers,
    agents: repos.agents,
    ...(deps.onCustomerTry && { onCustomerTry: deps.onCustomerTry }),
  });
  const confirmations = createCallbackConfirmations({ twilio, logger, callerIds });
  return {
    repository,
    twilio,
    calls,
    confirmations,
    /** A dialer worker over this database; `start()` it (the server and `npm run worker` do). */
    createWorker(options: { owner?: string; freeAgents?: FreeAgents } = {}): CallbackDialer {
      return createCallbackDialer({
        ...shared,
        agents: repos.agents,
        freeAgents: options.freeAgents ?? freeAgentsOf(repos.agents),
        pollMs: config.dialer.pollMs,
        ...(options.owner && { owner: options.owner }),
        ...(deps.flushCommits && { flushCommits: deps.flushCommits }),
      });
    },
  };
}

export type CallbackDialing = ReturnType<typeof createCallbackDialing>;
