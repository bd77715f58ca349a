
/** A console session, found by the SHA-256 of the id in the agent's cookie. */
export interface ConsoleSession {
  agentId: number;
  csrfToken: string;
  createdAt: number;
  lastSeenAt: number;
  expiresAt: number;
}

export interface SessionRepository {
  /**
   * Starts a session for an agent who is not removed and whose stored password hash is still
   * `checkedPassword` (the one a sign-in just verified); false, creating nothing, when the agent was
   * removed or their password changed meanwhile, from this process or another.
   */
  create(sessionHash: Buffer, session: ConsoleSession, checkedPassword: Buffer): Promise<boolean>;
  /** The session if it exists and has not expired at `now`. */
  find(sessionHash: Buffer, now: number): Promise<ConsoleSession | undefined>;
  /** Records activity: the session now expires at `expiresAt`. */
  touch(sessionHash: Buffer, now: number, expiresAt: number): Promise<void>;
  delete(sessionHash: Buffer): Promise<void>;
  /** Removes sessions that expired before `now`. */
  purgeExpired(now: number): Promise<number>;
}
