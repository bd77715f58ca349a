import type { Logger } from 'pino';
import type { AgentRepository } from '../domain/storage/agents.js';
import type { CallbackDeskRepository } from '../domain/storage/callbackDesk.js';
import type { CallbackRepository } from '../domain/storage/callbacks.js';
import type { CallRepository } from '../domain/storage/calls.js';
import type { CredentialRepository } from '../domain/storage/credentials.js';
import type { CustomerRepository } from '../domain/storage/customers.js';
import type { SessionRepository } from '../domain/storage/sessions.js';
import type { VerificationRepository } from '../domain/storage/verification.js';
import type { Clock } from '../domain/clock.js';
import type { ConsoleAuth } from './auth.js';
import type { QueuedCaller } from './board.js';

/** What the console's routes read and change. */
export interface ConsoleDeps {
  agents: AgentRepository;
  calls: CallRepository;
  callbacks: CallbackRepository;
  desk: CallbackDeskRepository;
  customers: CustomerRepository;
  verification: VerificationRepository;
  credentials: CredentialRepository;
  sessions: SessionRepository;
  /** The P1 queue in offer order. */
  queue: () => QueuedCaller[];
  clock: Clock;
  logger: Logger;
  auth: ConsoleAuth;
}
