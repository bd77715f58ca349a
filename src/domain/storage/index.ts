/*
 * The storage port: what the domain, the flow and the web layers ask of storage, whatever the engine.
 * The records and repository interfaces are in this folder; the SQLite implementation is in src/db, and
 * nothing outside storage sees an engine's types or SQL.
 *
 * Every method is one transaction of its own and its promise resolves once its change is durable. A
 * change that spans several repositories is one unit of work: `store.unitOfWork(async (tx) => ...)`,
 * whose `tx` runs each call inside the same transaction; the unit commits when the function's promise
 * resolves and is undone when it rejects. A unit of work awaits storage only: never a network call.
 */
import type { AgentRepository } from './agents.js';
import type { ApiKeyRepository } from './apiKeys.js';
import type { CallbackDeskRepository } from './callbackDesk.js';
import type { CallbackDialerRepository } from './callbackDialer.js';
import type { CallbackRepository } from './callbacks.js';
import type { CallRepository } from './calls.js';
import type { CredentialRepository } from './credentials.js';
import type { CustomerRepository } from './customers.js';
import type { EscalationRepository } from './escalations.js';
import type { FailureCountRepository } from './failureCounts.js';
import type { NumberRepository } from './numbers.js';
import type { QueueRepository } from './queue.js';
import type { SessionRepository } from './sessions.js';
import type { VerificationRepository } from './verification.js';

/** Every repository of one store. */
export interface Repositories {
  customers: CustomerRepository;
  verification: VerificationRepository;
  agents: AgentRepository;
  callbacks: CallbackRepository;
  calls: CallRepository;
  queue: QueueRepository;
  numbers: NumberRepository;
  credentials: CredentialRepository;
  sessions: SessionRepository;
  desk: CallbackDeskRepository;
  dialer: CallbackDialerRepository;
  escalations: EscalationRepository;
  apiKeys: ApiKeyRepository;
  failureCounts: FailureCountRepository;
}

/**
 * A unit of work that caught the failure of one of its own statements was rolled back whole, nothing of
 * it kept (PostgreSQL ends a transaction at its first failed statement; SQLite goes on). Whoever caught
 * the failure has reported it; a caller for whom that write alone was optional may go on.
 */
export class UnitOfWorkRolledBack extends Error {
  constructor() {
    super('the unit of work was rolled back at COMMIT: a statement in it had failed');
    this.name = 'UnitOfWorkRolledBack';
  }
}

export interface Store extends Repositories {
  /** Runs `work` as one transaction; resolves with its result once committed, rejects (nothing kept) if it throws. */
  unitOfWork<T>(work: (tx: Repositories) => Promise<T>): Promise<T>;
  /** Whether the store answers a read of a real table, and why not when it does not. */
  readiness(): Promise<{ ok: true } | { ok: false; reason: string }>;
  /** Finishes what is pending and lets the store go. */
  close(): Promise<void>;
}
