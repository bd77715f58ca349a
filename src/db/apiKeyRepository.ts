import type { SqliteDb } from './database.js';
import type { Sync } from './sync.js';
import type { ApiKey, ApiKeyRepository, ApiKeyScope, ApiKeyUseRecord, StoredApiKey } from '../domain/storage/apiKeys.js';

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

export function createSqliteApiKeyRepository(db: SqliteDb): Sync<ApiKeyRepository> {
  const insert = db.prepare(
    `INSERT INTO api_keys (name, scope, key_hash, hint, created_at) VALUES (@name, @scope, @keyHash, @hint, @createdAt)
     RETURNING *`,
  );
  const byId = db.prepare('SELECT * FROM api_keys WHERE key_id = ?');
  const byHash = db.prepare('SELECT * FROM api_keys WHERE key_hash = ?');
  const all = db.prepare('SELECT * FROM api_keys ORDER BY key_id');
  const revoke = db.prepare('UPDATE api_keys SET revoked_at = ? WHERE key_id = ? AND revoked_at IS NULL');
  const markUsed = db.prepare(
    'UPDATE api_keys SET last_used_at = @at WHERE key_id = @keyId AND (last_used_at IS NULL OR last_used_at < @at)',
  );
  const insertUse = db.prepare(
    'INSERT INTO api_key_uses (key_id, at, method, path, outcome) VALUES (@keyId, @at, @method, @path, @outcome)',
  );
  const usesOfKey = db.prepare('SELECT * FROM api_key_uses WHERE key_id = ? ORDER BY use_id DESC LIMIT ?');
  const usesOfAll = db.prepare('SELECT * FROM api_key_uses ORDER BY use_id DESC LIMIT ?');
  const recordUse = db.transaction((use: Parameters<ApiKeyRepository['recordUse']>[0]) => {
    insertUse.run(use);
    if (use.outcome !== 'revoked') markUsed.run(use);
  });
  const get = (id: number) => {
    const row = byId.get(id) as Row | undefined;
    return row && keyOf(row);
  };
  return {
    create: (key) => keyOf(insert.get(key) as Row),
    get,
    list: () => (all.all() as Row[]).map(keyOf),
    findByHash(keyHash): StoredApiKey | undefined {
      const row = byHash.get(keyHash) as Row | undefined;
      return row && { ...keyOf(row), keyHash: row.key_hash };
    },
    revoke(id, at) {
      revoke.run(at, id);
      return get(id);
    },
    recordUse: (use) => recordUse.immediate(use),
    uses({ keyId, limit }) {
      const rows = (keyId === undefined ? usesOfAll.all(limit) : usesOfKey.all(keyId, limit)) as Array<{
        use_id: number;
        key_id: number;
        at: number;
        method: string;
        path: string;
        outcome: ApiKeyUseRecord['outcome'];
      }>;
      return rows.map((r) => ({ useId: r.use_id, keyId: r.key_id, at: r.at, method: r.method, path: r.path, outcome: r.outcome }));
    },
  };
}
