import type { SessionRepository } from '../../domain/storage/sessions.js';
import type { Sql } from './sql.js';

interface Row {
  agent_id: number;
  csrf_token: string;
  created_at: number;
  last_seen_at: number;
  expires_at: number;
}

/** Console sessions on PostgreSQL. */
export function createPgSessionRepository(sql: Sql): SessionRepository {
  return {
    create: (hash, s, checkedPassword) =>
      sql.transaction(async (q) => {
        // The agent and their password are held until commit: a password change or a removal on another
        // instance waits for this session, then ends it; or this one finds them changed and creates nothing.
        const valid = await q.row(
          `SELECT 1 FROM agents a JOIN agent_credentials c USING (agent_id)
           WHERE a.agent_id = $1 AND a.removed_at IS NULL AND c.password_hash = $2 FOR SHARE`,
          [s.agentId, checkedPassword],
        );
        if (!valid) return false;
        await q.run(
          `INSERT INTO console_sessions (session_hash, agent_id, csrf_token, created_at, last_seen_at, expires_at)
           VALUES ($1, $2, $3, $4, $5, $6)`,
          [hash, s.agentId, s.csrfToken, s.createdAt, s.lastSeenAt, s.expiresAt],
        );
        return true;
      }),
    async find(hash, now) {
      const r = await sql.row<Row>('SELECT * FROM console_sessions WHERE session_hash = $1 AND expires_at > $2', [hash, now]);
      return (
        r && {
          agentId: r.agent_id,
          csrfToken: r.csrf_token,
          createdAt: r.created_at,
          lastSeenAt: r.last_seen_at,
          expiresAt: r.expires_at,
        }
      );
    },
    async touch(hash, now, expiresAt) {
      await sql.run('UPDATE console_sessions SET last_seen_at = $2, expires_at = $3 WHERE session_hash = $1', [hash, now, expiresAt]);
    },
    async delete(hash) {
      await sql.run('DELETE FROM console_sessions WHERE session_hash = $1', [hash]);
    },
    purgeExpired: (now) => sql.run('DELETE FROM console_sessions WHERE expires_at <= $1', [now]),
  };
}
