import type { ApiKey, ApiKeyRepository, ApiKeyScope, ApiKeyUseRecord } from '../../domain/storage/apiKeys.js';
import type { Sql } from './sql.js';

interface Row {
  key_id: number;
  name: string;
  scope: ApiKeyScope;
  key_hash: Buffer;
  hint: string;
  created_at: number;
  last_used_at: number | null;
  revoked_at: number | null;
}

const keyOf = (r: Row): ApiKey => ({
  id: r.key_id,
  name: r.name,
  scope: r.scope,
  hint: r.hint,
  createdAt: r.created_at,
  lastUsedAt: r.last_used_at,
  revokedAt: r.revoked_at,
});

/** API keys and their uses on PostgreSQL. */
export function createPgApiKeyRepository(sql: Sql): ApiKeyRepository {
  const get = async (id: number) => {
    const row = await sql.row<Row>('SELECT * FROM api_keys WHERE key_id = $1', [id]);
    return row && keyOf(row);
  };
  return {
    create: async (key) =>
      keyOf(
        (await sql.row<Row>('INSERT INTO api_keys (name, scope, key_hash, hint, created_at) VALUES ($1, $2, $3, $4, $5) RETURNING *', [
          key.name,
          key.scope,
          key.keyHash,
          key.hint,
          key.createdAt,
        ]))!,
      ),
    get,
    list: async () => (await sql.rows<Row>('SELECT * FROM api_keys ORDER BY key_id')).map(keyOf),
    async findByHash(keyHash) {
      const row = await sql.row<Row>('SELECT * FROM api_keys WHERE key_hash = $1', [keyHash]);
      return row && { ...keyOf(row), keyHash: row.key_hash };
    },
    async revoke(id, at) {
      await sql.run('UPDATE api_keys SET revoked_at = $1 WHERE key_id = $2 AND revoked_at IS NULL', [at, id]);
      return get(id);
    },
    recordUse: (use) =>
      sql.transaction(async (q) => {
        await q.run('INSERT INTO api_key_uses (key_id, at, method, path, outcome) VALUES ($1, $2, $3, $4, $5)', [
          use.keyId,
          use.at,
          use.method,
          use.path,
          use.outcome,
        ]);
        if (use.outcome !== 'revoked') {
          await q.run('UPDATE api_keys SET last_used_at = $2 WHERE key_id = $1 AND (last_used_at IS NULL OR last_used_at < $2)', [use.keyId, use.at]);
        }
      }),
    async uses({ keyId, limit }) {
      const rows = await sql.rows<{ use_id: number; key_id: number; at: number; method: string; path: string; outcome: ApiKeyUseRecord['outcome'] }>(
        keyId === undefined
          ? 'SELECT * FROM api_key_uses ORDER BY use_id DESC LIMIT $1'
          : 'SELECT * FROM api_key_uses WHERE key_id = $2 ORDER BY use_id DESC LIMIT $1',
        keyId === undefined ? [limit] : [limit, keyId],
      );
      return rows.map((r) => ({ useId: r.use_id, keyId: r.key_id, at: r.at, method: r.method, path: r.path, outcome: r.outcome }));
    },
  };
}
