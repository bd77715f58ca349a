import type { Clock } from '../../src/domain/clock.js';
import type { Store } from '../../src/domain/storage/index.js';

/** What a store is built with: the clock it reads "now" from, and how long an offered agent is held. */
export interface StoreSettings {
  clock: Clock;
  offerHoldMs: number;
}

/**
 * A storage engine as the contract suites see it: fresh databases, and more stores on the same one.
 * Each engine's runner passes one to `storeContracts` (./contracts/index.ts).
 */
export interface StoreSubject {
  /** A store over a fresh, empty database with every migration applied. */
  open(settings: StoreSettings): Promise<Store>;
  /**
   * Another store, with a connection of its own, on the database of the last `open()` and with the same
   * settings: a second instance of the service (another process) racing the first. Each call opens one more.
   */
  openAnother(): Promise<Store>;
  /** Closes every store opened since the last `open()`. */
  close(): Promise<void>;
  /** After the last test: lets go of what the subject keeps from one test to the next. */
  dispose(): Promise<void>;
}
