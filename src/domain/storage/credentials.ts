
/** A stored console password: the scrypt output, its salt and the cost parameters used. */
export interface StoredPassword {
  hash: Buffer;
  salt: Buffer;
  params: string;
}

export interface CredentialState extends StoredPassword {
  agentId: number;
  failedAttempts: number;
  lockedUntil: number | null;
}

/** Agents' console passwords and their failed sign-ins. */
export interface CredentialRepository {
  get(agentId: number): Promise<CredentialState | undefined>;
  /**
   * Sets (or replaces) the password, clears failures and ends the agent's sessions, in one transaction.
   * False, changing nothing, for an unknown or removed agent: nobody who left signs in again.
   */
  setPassword(agentId: number, password: StoredPassword, at: number): Promise<boolean>;
  /**
   * Counts a sign-in attempt before its password is checked, as a failure until recordSuccess clears it,
   * and pauses sign-in until `lock.until` once `lock.after` attempts in a row are reached; the count
   * starts again when the previous attempt was counted before `lock.since`. One guarded write, so
   * parallel attempts cannot all slip in before the pause. Undefined, counting nothing, when the agent
   * has no password or sign-in is paused at `at`; otherwise the password to check.
   */
  countAttempt(agentId: number, at: number, lock: { after: number; until: number; since: number }): Promise<CredentialState | undefined>;
  /** The password matched: clears the count and any pause. */
  recordSuccess(agentId: number, at: number): Promise<void>;
  /** IDs of agents who have a password. */
  withPassword(): Promise<Set<number>>;
}
