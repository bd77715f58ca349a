import type { SqliteDb } from './database.js';
import type { Sync } from './sync.js';
import type { SessionRepository } from '../domain/storage/sessions.js';

interface Row {
  agent_id: number;
  csrf_token: string;
  created_at: number;
  last_seen_at: number;
  expires_at: number;
}

export function createSqliteSessionRepository(db: SqliteDb): Sync<SessionRepository> {
  const insert = db.prepare(
    `INSERT INTO console_sessions (session_hash, agent_id, csrf_token, created_at, last_seen_at, expires_at)
     SELECT @hash, @agentId, @csrfToken, @createdAt, @lastSeenAt, @expiresAt
     WHERE EXISTS (SELECT 1 FROM agents JOIN agent_credentials USING (agent_id)
                   WHERE agent_id = @agentId AND removed_at IS NULL AND password_hash = @checkedPassword)`,
  );
  const byHash = db.prepare('SELECT * FROM console_sessions WHERE session_hash = ? AND expires_at > ?');
  const touch = db.prepare('UPDATE console_sessions SET last_seen_at = ?, expires_at = ? WHERE session_hash = ?');
  const remove = db.prepare('DELETE FROM console_sessions WHERE session_hash = ?');
  const purge = db.prepare('DELETE FROM console_sessions WHERE expires_at <= ?');
  return {
    create: (hash, s, checkedPassword) => insert.run({ hash, ...s, checkedPassword }).changes === 1,
    find(hash, now) {
      const r = byHash.get(hash, now) as Row | undefined;
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
    touch: (hash, now, expiresAt) => void touch.run(now, expiresAt, hash),
    delete: (hash) => void remove.run(hash),
    purgeExpired: (now) => purge.run(now).changes,
  };
}
