import type { Factor } from '../customer.js';

/** The failure count and lock of one typed customer ID. */
export interface FailureState {
  consecutiveFailures: number;
  locks: number;
  lockedUntil: number | null;
  lockedForReview: boolean;
}

export interface AuditEntry {
  at: number;
  customerId: string;
  caller: string | null;
  callSid: string | null;
  result: 'verified' | 'refused';
  reason: string;
  factor: Factor | null;
}

export interface AuditRecord extends AuditEntry {
  id: number;
}

/** Verification attempts: spent time steps, failure counts and locks, and the audit trail. */
export interface VerificationRepository {
  failureState(customerId: string): Promise<FailureState>;
  /**
   * The failure state, for a unit of work that computes the next one (src/domain/lockPolicy.ts) and
   * saves it. An implementation shared by several instances locks the ID's failure count until the unit
   * ends (PostgreSQL: create the row if missing, then SELECT ... FOR UPDATE), so failures counted at
   * the same time are all counted. SQLite's units run one at a time already.
   */
  failureStateForUpdate(customerId: string): Promise<FailureState>;
  /**
   * Spends a factor's time step, clears the ID's failures and audits the success, in one transaction.
   * The step is spent only if it is later than the factor's last accepted step, so of two racing
   * verifications with the same code exactly one wins. False when the step was already spent.
   */
  consumeStep(customerId: string, factor: Factor, step: number, audit: AuditEntry): Promise<boolean>;
  /**
   * Spends a factor's time step without accepting the call (the ID was locked or the number limited
   * when its right code came in) and audits the refusal, in one transaction: the code cannot be
   * replayed once the lock ends. The ID's failures are left as they are.
   */
  spendRefusedStep(customerId: string, factor: Factor, step: number, audit: AuditEntry): Promise<void>;
  /** Saves the ID's failure state as the lock policy computed it after a failure, and audits that failure. */
  saveFailureState(customerId: string, state: FailureState, audit: AuditEntry): Promise<void>;
  /** Audits an attempt that is refused without being counted (the ID was already locked). */
  recordRefusal(audit: AuditEntry): Promise<void>;
  /** Clears failures and any lock of the ID; false if it had none. */
  unlock(customerId: string): Promise<boolean>;
  /** Audit entries, newest first. */
  audit(filter: { customerId?: string; callSid?: string; limit: number }): Promise<AuditRecord[]>;
  /**
   * Refused attempts from one calling number since a moment (abuse limit across IDs); with `reasons`,
   * only refusals for those reasons count. Inside a unit of work, units counting the same number take
   * turns until each commits, so none counts past a refusal another is about to record.
   */
  refusalsFromCaller(caller: string, since: number, reasons?: readonly string[]): Promise<number>;
  /** Refused attempts for one typed customer ID since a moment, for the given reasons. */
  refusalsForCustomer(customerId: string, since: number, reasons: readonly string[]): Promise<number>;
  /** Refused attempts across the whole line since a moment, for the given reasons. */
  refusalsSince(since: number, reasons: readonly string[]): Promise<number>;
}
