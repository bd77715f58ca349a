import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Clock } from './clock.js';
import { notFound } from './errors.js';
import type { ApiKey, ApiKeyRepository, ApiKeyScope, ApiKeyUseOutcome } from './storage/apiKeys.js';

/** Every API key starts with this, so that one pasted into a log, a ticket or a repository is recognised. */
export const API_KEY_PREFIX = 'hl_live_';
/** Characters of a key kept in clear to tell keys apart: the prefix and four of the 43 random ones. */
const HINT_LENGTH = API_KEY_PREFIX.length + 4;
/** A whole key: the prefix and 32 random bytes in base64url. */
const KEY_SHAPE = /^hl_live_[A-Za-z0-9_-]{43}$/;

/** Who made a request to the admin API: the configured admin token, or a stored API key. */
export type Caller = { kind: 'admin-token' } | { kind: 'api-key'; key: ApiKey };

/** What a route needs, from least to most: reads, the dashboard's own routes, or everything. */
export type ScopeNeeded = 'read' | 'dashboard' | 'admin';

/** Whether a key of `scope` may do what needs `needed`: admin anything, the others only their own. */
export const grants = (scope: ApiKeyScope, needed: ScopeNeeded): boolean => scope === 'admin' || scope === needed;

/** A key just made: the only time the key itself is seen. */
export interface CreatedApiKey {
  id: number;
  name: string;
  scope: ApiKeyScope;
  key: string;
  createdAt: number;
}

/** The answer to a request made with an API key. */
export type KeyCheck =
  | { ok: true; key: ApiKey }
  | { ok: false; why: 'unknown' }
  | { ok: false; why: 'revoked'; key: ApiKey }
  | { ok: false; why: 'forbidden'; key: ApiKey };

const hashOf = (key: string): Buffer => createHash('sha256').update(key, 'utf8').digest();

/**
 * API keys: made with 256 random bits and stored only as their SHA-256 (a key that random needs no
 * salt or slow hash, and its hash does not change when the secret key is rotated); every request
 * made with one is audited with its outcome.
 */
export function createApiKeyService({ apiKeys, clock }: { apiKeys: ApiKeyRepository; clock: Clock }) {
  return {
    /** Makes a key; the answer holds the key itself, which is never shown again. */
    async create(input: { name: string; scope: ApiKeyScope }): Promise<CreatedApiKey> {
      const key = `${API_KEY_PREFIX}${randomBytes(32).toString('base64url')}`;
      const stored = await apiKeys.create({
        name: input.name,
        scope: input.scope,
        keyHash: hashOf(key),
        hint: key.slice(0, HINT_LENGTH),
        createdAt: clock.now(),
      });
      return { id: stored.id, name: stored.name, scope: stored.scope, key, createdAt: stored.createdAt };
    },

    list: (): Promise<ApiKey[]> => apiKeys.list(),

    async get(id: number): Promise<ApiKey> {
      const key = await apiKeys.get(id);
      if (!key) throw notFound('API key');
      return key;
    },

    /** Revokes a key: from now on it is refused with 401. Revoking again changes nothing. */
    async revoke(id: number): Promise<ApiKey> {
      const key = await apiKeys.revoke(id, clock.now());
      if (!key) throw notFound('API key');
      return key;
    },

    uses: (options: { keyId?: number; limit: number }) => apiKeys.uses(options),

    /** Whether `token` looks like an API key at all (else it is not worth a lookup). */
    isKeyShaped: (token: string): boolean => KEY_SHAPE.test(token),

    /**
     * Checks a key presented for a request that needs `needed`, and audits the request with its
     * outcome (an unknown key names no one, so it is not audited; the caller counts it as a failure).
     */
    async check(token: string, request: { method: string; path: string; needed: ScopeNeeded }): Promise<KeyCheck> {
      if (!KEY_SHAPE.test(token)) return { ok: false, why: 'unknown' };
      const hash = hashOf(token);
      const found = await apiKeys.findByHash(hash);
      // Found by its hash already; compared again in constant time so that no path depends on a lookup alone.
      if (!found || !timingSafeEqual(found.keyHash, hash)) return { ok: false, why: 'unknown' };
      const { keyHash: _hash, ...key } = found;
      const outcome: ApiKeyUseOutcome = key.revokedAt !== null ? 'revoked' : grants(key.scope, request.needed) ? 'allowed' : 'forbidden';
      await apiKeys.recordUse({ keyId: key.id, at: clock.now(), method: request.method, path: request.path.slice(0, 500), outcome });
      return outcome === 'allowed' ? { ok: true, key } : { ok: false, why: outcome, key };
    },
  };
}

export type ApiKeyService = ReturnType<typeof createApiKeyService>;
