import express, { type ErrorRequestHandler } from 'express';
import { AppError } from '../domain/errors.js';
import type { Hotline } from '../hotline.js';
import { requireAdminToken } from './adminAuth.js';
import { agentsRouter } from './api/agents.js';
import { callbacksRouter } from './api/callbacks.js';
import { customersRouter } from './api/customers.js';
import { numbersRouter } from './api/numbers.js';
import { voiceRouter } from '../voice/routes.js';
import { createConsole } from '../console/index.js';
import { callbackVoiceRouter } from '../voice/callbackRoutes.js';

/** Builds the HTTP app: health, the admin API and (mounted by the voice module) the Twilio webhooks. */
export function createApp(hotline: Hotline): express.Express {
  const { config, logger } = hotline;
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', false);

  app.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });
  app.get('/readyz', (_req, res) => {
    const ready = hotline.ready();
    res.status(ready ? 200 : 503).json({ status: ready ? 'ready' : 'database unavailable' });
  });

  const api = express.Router();
  api.use(requireAdminToken(config.adminToken));
  api.use(express.json({ limit: '16kb' }));
  api.use(customersRouter(hotline));
  api.use(agentsRouter(hotline));
  api.use(numbersRouter(hotline));
  api.use(callbacksRouter(hotline));
  app.use('/api', api);

  // The dialer's outbound calls, before the inbound voice routes so they are answered here.
  app.use(
    '/voice/callback',
    callbackVoiceRouter({
      calls: hotline.callbackDialing.calls,
      logger,
      authToken: config.twilio.authToken,
      publicBaseUrl: config.publicBaseUrl,
    }),
  );
  app.use(
    '/voice',
    voiceRouter({
      engine: hotline.engine,
      calls: hotline.repos.calls,
      agents: hotline.repos.agents,
      clock: hotline.clock,
      logger,
      authToken: config.twilio.authToken,
      publicBaseUrl: config.publicBaseUrl,
      backupNumber: config.backupNumber,
      queue: hotline.p1Queue,
    }),
  );

  app.use('/console', createConsole(hotline));

  app.use('/api', (_req, _res, next) => next(new AppError(404, 'not_found', 'no such API route')));

  const onError: ErrorRequestHandler = (err, req, res, _next) => {
    if (err instanceof AppError) {
      res.status(err.status).json({ error: err.code, message: err.message, ...(err.field && { field: err.field }) });
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
