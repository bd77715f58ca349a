/**
 * The callback dialer's parts built over one store: the repository, the twilio client, the webhooks
 * of callback calls, SMS confirmations, escalations, and a factory for the worker. The server and
 * `npm run worker` (src/dialer/main.ts) both build it through createHotline.
 */
import type { Logger } from 'pino';
import type { Config } from '../config.js';
import { callbackRounds } from '../domain/callbackRounds.js';
import type { Store } from '../domain/storage/index.js';
import type { Clock } from '../domain/clock.js';
import type { CallbackTryResult } from '../metrics/metrics.js';
import { createTwilioClient, type TwilioClient } from '../twilio/client.js';
import { freeAgentsOf, type FreeAgents } from './agents.js';
import { createCallbackCalls } from './callbackCalls.js';
import { createCallbackDialer, type CallbackDialer } from './dialer.js';
import { createEscalations } from './escalation.js';
import { createCallbackConfirmations } from './sms.js';
import { callbackUrls } from './urls.js';

export interface CallbackDialingDeps {
  config: Config;
  logger: Logger;
  clock: Clock;
  /** The storage port; the dialer's own repository is `store.dialer`. */
  store: Store;
  /** Default: the real client from config (undefined in local mode). */
  twilio?: TwilioClient | undefined;
  /** Told once per decided try at a callback's customer (the server's metrics). */
  onCustomerTry?: (result: CallbackTryResult) => void;
}

export function createCallbackDialing(deps: CallbackDialingDeps) {
  const { config, logger, clock, store } = deps;
  const twilio = 'twilio' in deps ? deps.twilio : createTwilioClient(config);
  const repository = store.dialer;
  const rounds = callbackRounds(store);
  const urls = callbackUrls(config.publicBaseUrl, config.connectionOverrides);
  const callerIds = { callerId: config.callerId, calls: store.calls, numbers: store.numbers };
  const shared = { dialer: repository, rounds, callerIds, twilio, clock, logger, urls, leaseMs: config.dialer.leaseMs };
  const calls = createCallbackCalls({
    ...shared,
    callbacks: store.callbacks,
    customers: store.customers,
    agents: store.agents,
    ...(deps.onCustomerTry && { onCustomerTry: deps.onCustomerTry }),
  });
  const confirmations = createCallbackConfirmations({ twilio, logger, callerIds });
  const escalations = createEscalations({
    store,
    twilio,
    logger,
    clock,
    callerIds,
    numbers: config.escalation.numbers,
    calls: config.escalation.calls,
  });
  return {
    repository,
    /** The rules of a callback's rounds, each a unit of work over the store. */
    rounds,
    twilio,
    calls,
    confirmations,
    escalations,
    /** A dialer worker over this store; `start()` it (the server and `npm run worker` do). */
    createWorker(options: { owner?: string; freeAgents?: FreeAgents } = {}): CallbackDialer {
      return createCallbackDialer({
        ...shared,
        agents: store.agents,
        freeAgents: options.freeAgents ?? freeAgentsOf(store.agents),
        pollMs: config.dialer.pollMs,
        ...(options.owner && { owner: options.owner }),
      });
    },
  };
}

export type CallbackDialing = ReturnType<typeof createCallbackDialing>;
