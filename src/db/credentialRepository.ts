import type { SqliteDb } from './database.js';
import type { Sync } from './sync.js';
import type { StoredPassword, CredentialState, CredentialRepository } from '../domain/storage/credentials.js';

interface Row {
  agent_id: number;
  password_hash: Buffer;
  salt: Buffer;
  params: string;
  failed_attempts: number;
  locked_until: number | null;
}

export function createSqliteCredentialRepository(db: SqliteDb): Sync<CredentialRepository> {
  const byId = db.prepare('SELECT * FROM agent_credentials WHERE agent_id = ?');
  const upsert = db.prepare(
    `INSERT INTO agent_credentials (agent_id, password_hash, salt, params, failed_attempts, locked_until, updated_at)
     SELECT @agentId, @hash, @salt, @params, 0, NULL, @at
     WHERE EXISTS (SELECT 1 FROM agents WHERE agent_id = @agentId AND removed_at IS NULL)
     ON CONFLICT (agent_id) DO UPDATE SET password_hash = @hash, salt = @salt, params = @params,
       failed_attempts = 0, locked_until = NULL, updated_at = @at`,
  );
  const endSessions = db.prepare('DELETE FROM console_sessions WHERE agent_id = ?');
  const attempt = db.prepare(
    `UPDATE agent_credentials SET failed_attempts = CASE WHEN updated_at < @since THEN 1 ELSE failed_attempts + 1 END,
       updated_at = @at,
       locked_until = CASE WHEN (CASE WHEN updated_at < @since THEN 1 ELSE failed_attempts + 1 END) >= @after
         THEN @until ELSE locked_until END
     WHERE agent_id = @agentId AND (locked_until IS NULL OR locked_until <= @at)
     RETURNING *`,
  );
  const succeed = db.prepare(
    'UPDATE agent_credentials SET failed_attempts = 0, locked_until = NULL, updated_at = ? WHERE agent_id = ?',
  );
  const ids = db.prepare('SELECT agent_id FROM agent_credentials').pluck();
  const setPassword = db.transaction((agentId: number, p: StoredPassword, at: number) => {
    if (upsert.run({ agentId, hash: p.hash, salt: p.salt, params: p.params, at }).changes === 0) return false;
    endSessions.run(agentId);
    return true;
  });

  const toState = (r: Row | undefined): CredentialState | undefined =>
    r && {
      agentId: r.agent_id,
      hash: r.password_hash,
      salt: r.salt,
      params: r.params,
      failedAttempts: r.failed_attempts,
      lockedUntil: r.locked_until,
    };

  return {
    get: (agentId) => toState(byId.get(agentId) as Row | undefined),
    setPassword: (agentId, password, at) => setPassword.immediate(agentId, password, at),
    countAttempt: (agentId, at, lock) =>
      toState(attempt.get({ agentId, at, after: lock.after, until: lock.until, since: lock.since }) as Row | undefined),
    recordSuccess: (agentId, at) => void succeed.run(at, agentId),
    withPassword: () => new Set(ids.all() as number[]),
  };
}
