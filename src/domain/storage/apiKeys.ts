/** What a key may do: everything, what a vendor's dashboard needs, or reads only. */
export const API_KEY_SCOPES = ['admin', 'dashboard', 'read'] as const;
export type ApiKeyScope = (typeof API_KEY_SCOPES)[number];

/** A new key as stored: only the SHA-256 of the key itself, and its first characters to tell keys apart. */
export interface NewApiKey {
  name: string;
  scope: ApiKeyScope;
  /** SHA-256 of the whole key (32 bytes). */
  keyHash: Buffer;
  /** The key's first characters (its prefix and a few more), shown in lists; not enough to use it. */
  hint: string;
  createdAt: number;
}

/** A key as the admin sees it: never the key, never its hash. */
export interface ApiKey {
  id: number;
  name: string;
  scope: ApiKeyScope;
  hint: string;
  createdAt: number;
  lastUsedAt: number | null;
  revokedAt: number | null;
}

/** A key found by its hash, with the hash for a constant-time comparison. */
export interface StoredApiKey extends ApiKey {
  keyHash: Buffer;
}

/** What became of one request that presented a key. */
export type ApiKeyUseOutcome = 'allowed' | 'forbidden' | 'revoked';

/** One request made with a key: who (the key), when, what, and whether it was let through. */
export interface ApiKeyUse {
  keyId: number;
  at: number;
  method: string;
  path: string;
  outcome: ApiKeyUseOutcome;
}

export interface ApiKeyUseRecord extends ApiKeyUse {
  useId: number;
}

/** API keys with scopes, and the audit of every request made with one. */
export interface ApiKeyRepository {
  /** Stores a new key; the record as stored, with its id. */
  create(key: NewApiKey): Promise<ApiKey>;
  get(id: number): Promise<ApiKey | undefined>;
  /** Every key, revoked ones included, oldest first. */
  list(): Promise<ApiKey[]>;
  /** The key with this hash, revoked or not. */
  findByHash(keyHash: Buffer): Promise<StoredApiKey | undefined>;
  /**
   * Revokes a key at `at`; a key already revoked keeps its first revocation time. The key as it is
   * now, or undefined when there is no such key.
   */
  revoke(id: number, at: number): Promise<ApiKey | undefined>;
  /**
   * Audits a request made with a key and, unless the key was revoked, marks it used at `use.at`
   * (a later use already recorded is kept), in one transaction.
   */
  recordUse(use: ApiKeyUse): Promise<void>;
  /** Audited uses, newest first; of one key when `keyId` is given. */
  uses(options: { keyId?: number; limit: number }): Promise<ApiKeyUseRecord[]>;
}
