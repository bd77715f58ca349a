import { Router } from 'express';
import { z } from 'zod';
import type { ApiKey } from '../../domain/storage/apiKeys.js';
import { API_KEY_SCOPES } from '../../domain/storage/apiKeys.js';
import { displayName } from '../../domain/names.js';
import type { Hotline } from '../../hotline.js';
import { parse } from '../validate.js';

const createBody = z.strictObject({
  name: displayName,
  scope: z.enum(API_KEY_SCOPES, { message: "must be 'admin', 'dashboard' or 'read'" }),
});
const keyPath = z.object({ id: z.coerce.number().int().positive() });
const usesQuery = z.object({ limit: z.coerce.number().int().min(1).max(1000).default(100) });

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

/** A key as the API lists it: never the key, only its first characters (`prefix`) to tell keys apart. */
export function apiKeyView(k: ApiKey) {
  return {
    id: k.id,
    name: k.name,
    scope: k.scope,
    prefix: k.hint,
    createdAt: iso(k.createdAt),
    lastUsedAt: iso(k.lastUsedAt),
    revokedAt: iso(k.revokedAt),
  };
}

/** API keys with scopes, and the audit of their uses (admin API). */
export function apiKeysRouter(hotline: Hotline): Router {
  const { apiKeys } = hotline;
  const router = Router();
  router.post('/api-keys', async (req, res) => {
    const created = await apiKeys.create(parse(createBody, req.body));
    hotline.logger.info({ apiKeyId: created.id, apiKeyName: created.name, scope: created.scope }, 'api key created');
    res.status(201).json({ ...created, createdAt: iso(created.createdAt) });
  });
  router.get('/api-keys', async (_req, res) => {
    res.json({ items: (await apiKeys.list()).map(apiKeyView) });
  });
  router.get('/api-keys/:id', async (req, res) => {
    res.json(apiKeyView(await apiKeys.get(parse(keyPath, req.params).id)));
  });
  // The audit: every request made with the key, newest first.
  router.get('/api-keys/:id/uses', async (req, res) => {
    const { id } = parse(keyPath, req.params);
    await apiKeys.get(id);
    const uses = await apiKeys.uses({ keyId: id, limit: parse(usesQuery, req.query).limit });
    res.json({ items: uses.map((u) => ({ at: iso(u.at), method: u.method, path: u.path, outcome: u.outcome })) });
  });
  router.delete('/api-keys/:id', async (req, res) => {
    const revoked = await apiKeys.revoke(parse(keyPath, req.params).id);
    hotline.logger.info({ apiKeyId: revoked.id, apiKeyName: revoked.name }, 'api key revoked');
    res.json(apiKeyView(revoked));
  });
  return router;
}
