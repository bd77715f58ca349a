import type { CredentialRepository, CredentialState } from '../../domain/storage/credentials.js';
import type { Sql } from './sql.js';

interface Row {
  agent_id: number;
  password_hash: Buffer;
  salt: Buffer;
  params: string;
  failed_attempts: number;
  locked_until: number | null;
}

const toState = (r: Row | undefined): CredentialState | undefined =>
  r && {
    agentId: r.agent_id,
    hash: r.password_hash,
    salt: r.salt,
    params: r.params,
    failedAttempts: r.failed_attempts,
    lockedUntil: r.locked_until,
  };

/** Console passwords and failed sign-ins on PostgreSQL. */
export function createPgCredentialRepository(sql: Sql): CredentialRepository {
  return {
    async get(agentId) {
      return toState(await sql.row<Row>('SELECT * FROM agent_credentials WHERE agent_id = $1', [agentId]));
    },
    setPassword: (agentId, p, at) =>
      sql.transaction(async (q) => {
        // The agent's row is held until commit: a removal on another instance waits, then deletes this password.
        const current = await q.row('SELECT 1 FROM agents WHERE agent_id = $1 AND removed_at IS NULL FOR SHARE', [agentId]);
        if (!current) return false;
        await q.run(
          `INSERT INTO agent_credentials (agent_id, password_hash, salt, params, failed_attempts, locked_until, updated_at)
           VALUES ($1, $2, $3, $4, 0, NULL, $5)
           ON CONFLICT (agent_id) DO UPDATE SET password_hash = $2, salt = $3, params = $4,
             failed_attempts = 0, locked_until = NULL, updated_at = $5`,
          [agentId, p.hash, p.salt, p.params, at],
        );
        await q.run('DELETE FROM console_sessions WHERE agent_id = $1', [agentId]);
        return true;
      }),
    async countAttempt(agentId, at, lock) {
      // One guarded write: the row's lock makes parallel attempts count one after the other.
      const row = await sql.row<Row>(
        `UPDATE agent_credentials SET failed_attempts = CASE WHEN updated_at < $3 THEN 1 ELSE failed_attempts + 1 END,
           updated_at = $2,
           locked_until = CASE WHEN (CASE WHEN updated_at < $3 THEN 1 ELSE failed_attempts + 1 END) >= $4
             THEN $5 ELSE locked_until END
         WHERE agent_id = $1 AND (locked_until IS NULL OR locked_until <= $2)
         RETURNING *`,
        [agentId, at, lock.since, lock.after, lock.until],
      );
      return toState(row);
    },
    async recordSuccess(agentId, at) {
      await sql.run('UPDATE agent_credentials SET failed_attempts = 0, locked_until = NULL, updated_at = $2 WHERE agent_id = $1', [agentId, at]);
    },
    async withPassword() {
      return new Set((await sql.rows<{ agent_id: number }>('SELECT agent_id FROM agent_credentials')).map((r) => r.agent_id));
    },
  };
}
