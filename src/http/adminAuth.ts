import { createHash, timingSafeEqual } from 'node:crypto';
import type { RequestHandler } from 'express';
import type { Logger } from 'pino';
import type { ApiKeyService, Caller } from '../domain/apiKeys.js';
import { AppError } from '../domain/errors.js';
import { scopeNeeded, scopeRefusal } from './scopes.js';

const digest = (value: string) => createHash('sha256').update(value).digest();

/** The path as logs show it: a customer ID in it keeps only its last four digits, as everywhere in the logs. */
const loggedPath = (path: string) => path.replace(/[0-9]{8,}/g, (id) => `…${id.slice(-4)}`);

const unauthorized = () => new AppError(401, 'unauthorized', 'a valid admin bearer token is required');

/**
 * Requires `Authorization: Bearer <token>`: `HOTLINE_ADMIN_TOKEN` (compared in constant time), which
 * may do anything, or, when `keys` is given, an API key whose scope reaches the route (./scopes.ts).
 * Every request made with a key is audited and logged with the key's id and name; an unknown or
 * revoked key is a 401, a key without the scope a 403 naming the scope needed. The caller is left in
 * `res.locals.caller`.
 */
export function requireAdminToken(adminToken: string, keys?: { apiKeys: ApiKeyService; logger: Logger }): RequestHandler {
  const expected = digest(adminToken);
  return async (req, res, next) => {
    const header = req.get('authorization') ?? '';
    const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
    const token = match?.[1];
    // Hashing both sides gives equal lengths, so the comparison time does not depend on the guess.
    if (token !== undefined && timingSafeEqual(digest(token), expected)) {
      res.locals.caller = { kind: 'admin-token' } satisfies Caller;
      return next();
    }
    if (token === undefined || !keys || !keys.apiKeys.isKeyShaped(token)) return next(unauthorized());
    const needed = scopeNeeded(req.method, req.path);
    const path = `${req.baseUrl}${req.path}`;
    const check = await keys.apiKeys.check(token, { method: req.method, path, needed });
    if ('key' in check) {
      const { key } = check;
      keys.logger.info(
        { apiKeyId: key.id, apiKeyName: key.name, scope: key.scope, method: req.method, path: loggedPath(path), outcome: check.ok ? 'allowed' : check.why },
        'api key used',
      );
    }
    if (check.ok) {
      res.locals.caller = { kind: 'api-key', key: check.key } satisfies Caller;
      return next();
    }
    if (check.why === 'forbidden') return next(scopeRefusal(check.key.scope, needed));
    next(check.why === 'revoked' ? new AppError(401, 'unauthorized', 'this API key was revoked') : unauthorized());
  };
}
