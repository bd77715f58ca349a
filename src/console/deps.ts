import type { Logger } from 'pino';
import type { AgentRepository } from '../db/agentRepository.js';
import type { CallbackDeskRepository } from '../db/callbackDeskRepository.js';
import type { CallbackRepository } from '../db/callbackRepository.js';
import type { CallRepository } from '../db/callRepository.js';
import type { CredentialRepository } from '../db/credentialRepository.js';
import type { CustomerRepository } from '../db/customerRepository.js';
import type { SessionRepository } from '../db/sessionRepository.js';
import type { VerificationRepository } from '../db/verificationRepository.js';
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
