import type { IncomingMessage, ServerResponse } from 'node:http';
import express, { type ErrorRequestHandler } from 'express';
import { AppError } from '../domain/errors.js';
import type { Hotline } from '../hotline.js';
import { requireAdminToken } from './adminAuth.js';
import { ADMIN_THROTTLE, storedFailureBook, throttledTokenCheck } from './adminThrottle.js';
import { agentsRouter } from './api/agents.js';
import { apiKeysRouter } from './api/apiKeys.js';
import { callbacksRouter } from './api/callbacks.js';
import { customersRouter } from './api/customers.js';
import { numbersRouter } from './api/numbers.js';
import { panelApiRouter } from './panel/api.js';
import { panelPageRouter } from './panel/page.js';
import { demoRouter } from './demo.js';
import { securityHeaders } from './security.js';
import { metricsHandler } from '../metrics/metricsRoute.js';
import { webhookTimer } from '../metrics/webhookTimer.js';
import { HOLD_MUSIC_WAV } from '../voice/holdMusic.js';
import { callerWebhooks } from '../voice/routes.js';
import { callbackVoiceRouter } from '../voice/callbackRoutes.js';
import { createConsole } from '../console/index.js';

/** The caller's Twilio webhooks over the hotline's engine, queue and group commit. */
function callerWebhooksOf(hotline: Hotline) {
  const { config } = hotline;
  return callerWebhooks({
    engine: hotline.engine,
    store: hotline.store,
    clock: hotline.clock,
    logger: hotline.logger,
    authToken: config.twilio.authToken,
    publicBaseUrl: config.publicBaseUrl,
    webhookUrl: hotline.webhookUrl,
    backupNumber: config.backupNumber,
    metrics: hotline.metrics,
    queue: hotline.p1Queue,
  });
}

/**
 * The server's request listener: the caller's webhooks are answered before Express sees them (during
 * an outage they are nearly every request), everything else goes to the Express app. This is the one
 * place they are mounted.
 */
export function createRequestListener(hotline: Hotline): (req: IncomingMessage, res: ServerResponse) => void {
  const app = createApp(hotline);
  const webhooks = callerWebhooksOf(hotline);
  const headers = securityHeaders({ https: hotline.config.publicBaseUrl.startsWith('https:') });
  return (req, res) => {
    headers(req as express.Request, res as express.Response, () => undefined);
    webhooks(req, res, () => app(req, res));
  };
}

/**
 * Builds the Express app: health, metrics, the admin API, the console, the dialer's voice routes and
 * the hold tune. The caller's webhooks are not in it: createRequestListener answers them in front of it.
 */
export function createApp(hotline: Hotline): express.Express {
  const { config, logger } = hotline;
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', false);
  app.set('etag', false);
  app.use(securityHeaders({ https: config.publicBaseUrl.startsWith('https:') }));
  hotline.metrics.collectProcessMetrics();
  // The admin token, or an API key whose scope reaches the route, behind one throttle for every door
  // that takes it, so failures on one slow the others; counted in the database, so on every instance.
  const adminAuth = throttledTokenCheck(
    requireAdminToken(config.adminToken, { apiKeys: hotline.apiKeys, logger }),
    storedFailureBook(hotline.store.failureCounts, ADMIN_THROTTLE),
    ADMIN_THROTTLE,
    () => hotline.metrics.adminAuthFailure(),
  );

  app.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });
  app.get('/readyz', async (_req, res) => {
    const db = await hotline.readiness();
    res.set('Cache-Control', 'no-store');
    if (db.ok) res.json({ status: 'ready', database: 'ok' });
    else res.status(503).json({ status: 'unavailable', database: 'unavailable', reason: db.reason });
  });
  // Call volumes and lockouts are not for everyone: the admin token or a read key, unless a private scraper is configured.
  app.get(
    '/metrics',
    ...(config.metricsPublic ? [] : [adminAuth]),
    metricsHandler(hotline.metrics),
  );

  const api = express.Router();
  api.use(adminAuth);
  api.use((_req, res, next) => {
    res.set('Cache-Control', 'no-store');
    next();
  });
  api.use(express.json({ limit: '16kb' }));
  api.use(customersRouter(hotline));
  api.use(agentsRouter(hotline));
  api.use(numbersRouter(hotline));
  api.use(callbacksRouter(hotline));
  api.use(apiKeysRouter(hotline));
  app.use('/api', api);
  // The customer's panel, with a panel session instead of a key: that one customer's code and authenticator.
  app.use('/panel/api', panelApiRouter(hotline));
  app.use('/panel', panelPageRouter({ origins: config.panelOrigins }));
  // The demo dashboard framing the panel for the demo customer: local mode only.
  if (config.localMode) app.use('/demo', demoRouter(hotline));

  // The dialer's outbound calls, before the inbound voice routes so they are answered here.
  app.use(
    '/voice/callback',
    webhookTimer(hotline.metrics, '/voice/callback'),
    callbackVoiceRouter({
      calls: hotline.callbackDialing.calls,
      logger,
      authToken: config.twilio.authToken,
      publicBaseUrl: config.publicBaseUrl,
    }),
  );
  app.get('/voice/hold-music.wav', (_req, res) => {
    // Public like any audio Twilio plays: it carries nothing about anyone.
    res.status(200).type('audio/wav').set('Cache-Control', 'public, max-age=86400').send(HOLD_MUSIC_WAV);
  });

  app.use('/console', createConsole(hotline));

  app.use('/api', (_req, _res, next) => next(new AppError(404, 'not_found', 'no such API route')));

  const onError: ErrorRequestHandler = (err, req, res, _next) => {
    if (err instanceof AppError) {
      res.status(err.status).json({ error: err.code, message: err.message, ...(err.field && { field: err.field }), ...err.details });
      return;
    }
    const status = typeof err?.status === 'number' && err.status >= 400 && err.status < 500 ? err.status : 500;
    if (status === 500) logger.error({ err, path: req.path }, 'request failed');
    const message =
      err?.type === 'entity.parse.failed'
        ? 'body: is not valid JSON'
        : err?.type === 'entity.too.large'
          ? 'body: is too large'
          : status === 500
            ? 'internal error'
            : 'bad request';
    res.status(status).json({ error: status === 500 ? 'internal' : 'invalid_request', message, ...(status === 400 && { field: 'body' }) });
  };
  app.use(onError);
  return app;
}
