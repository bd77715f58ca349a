import type { Logger } from 'pino';
import type { Store } from '../domain/storage/index.js';
import type { Clock } from '../domain/clock.js';
import type { ConsoleAuth } from './auth.js';
import type { QueuedCaller } from './board.js';

/**
 * The part of the storage port the console reads and changes. Each call is one transaction; a change
 * that spans repositories, or reads and then writes, is one unit of work.
 */
export type ConsoleStore = Pick<
  Store,
  'agents' | 'calls' | 'callbacks' | 'desk' | 'escalations' | 'customers' | 'verification' | 'credentials' | 'sessions' | 'unitOfWork'
>;

/** What the console's routes read and change. */
export interface ConsoleDeps {
  store: ConsoleStore;
  /** The P1 queue in offer order. */
  queue: () => Promise<QueuedCaller[]>;
  clock: Clock;
  logger: Logger;
  auth: ConsoleAuth;
  /** The Twilio account the recordings belong to, for playing a recorded description through the hotline. */
  twilio: { accountSid: string; authToken: string; apiUrl: string };
}
