import { Router, type Request, type Response } from 'express';
import { AppError, notFound } from '../domain/errors.js';
import { API_KEY_SCOPES, type ApiKeyScope } from '../domain/storage/apiKeys.js';
import { displayName } from '../domain/names.js';
import { signedIn } from './auth.js';
import type { ConsoleDeps } from './deps.js';
import { flashFrom, withFlash } from './flash.js';
import type { Html } from './html.js';
import { textOf } from './i18n/index.js';
import { page } from './layout.js';
import { apiKeysPage, type ApiKeysState } from './views/apiKeys.js';

const bodyOf = (req: Request) => (req.body ?? {}) as Record<string, unknown>;
const text = (value: unknown) => (typeof value === 'string' ? value : '');

/** Admins make, list and revoke API keys, as with `hotline api-keys` and /api/api-keys. */
export function apiKeyRoutes(deps: ConsoleDeps): Router {
  const { apiKeys, logger, auth } = deps;
  const router = Router();
  router.use('/api-keys', (_req, res, next) => {
    if (signedIn(res).agent.isAdmin) return next();
    next(new AppError(403, 'forbidden', 'Only admins can manage API keys.'));
  });

  const send = (req: Request, res: Response, body: Html, status = 200) => {
    const { agent, session } = signedIn(res);
    const t = textOf(res);
    res.status(status).type('html').send(page({ t, title: t.apiKeys.title, body, me: { agent, csrf: session.csrfToken }, section: 'api-keys', flash: flashFrom(req, t) }).value);
  };
  const list = async (req: Request, res: Response, state?: ApiKeysState, status = 200) =>
    send(req, res, apiKeysPage(textOf(res), await apiKeys.list(), signedIn(res).session.csrfToken, state), status);

  router.get('/api-keys', (req, res) => list(req, res));

  router.post('/api-keys', auth.requireCsrf, async (req, res) => {
    const values = { name: text(bodyOf(req).name), scope: text(bodyOf(req).scope) };
    const name = displayName.safeParse(values.name);
    if (!name.success) return list(req, res, { values, error: { field: 'name', message: `Name ${name.error.issues[0]!.message}` } }, 400);
    if (!(API_KEY_SCOPES as readonly string[]).includes(values.scope)) {
      return list(req, res, { values, error: { field: 'scope', message: 'Choose admin, dashboard or read' } }, 400);
    }
    const created = await apiKeys.create({ name: name.data, scope: values.scope as ApiKeyScope });
    logger.info({ by: signedIn(res).agent.agentId, apiKeyId: created.id, apiKeyName: created.name, scope: created.scope }, 'console: api key created');
    // Shown in this answer only (the console's pages are never cached): no redirect could carry it.
    await list(req, res, { created }, 201);
  });

  router.post('/api-keys/:id/revoke', auth.requireCsrf, async (req, res) => {
    const id = String(req.params.id ?? '');
    if (!/^[0-9]{1,9}$/.test(id)) throw notFound('API key');
    if (bodyOf(req).confirm !== '1') throw new AppError(400, 'invalid_request', 'Tick the box to confirm the key is to be revoked.', 'confirm');
    const key = await apiKeys.revoke(Number(id));
    logger.info({ by: signedIn(res).agent.agentId, apiKeyId: key.id, apiKeyName: key.name }, 'console: api key revoked');
    res.redirect(303, withFlash('/console/api-keys', 'done', 'key-revoked', id));
  });
  return router;
}
