import type { RequestHandler } from 'express';
import type { Metrics } from './metrics.js';

/**
 * Times every request under a mount point (e.g. /voice) until its answer is sent. The route label is
 * the route that matched ("/voice/step"), never the raw path, so forged or random URLs cannot add
 * label values; requests refused before any route matched (bad signature, unknown path) are "unrouted".
 */
export function webhookTimer(metrics: Pick<Metrics, 'observeWebhook'>, mount: string): RequestHandler {
  return (req, res, next) => {
    const started = process.hrtime.bigint();
    res.once('finish', () => {
      const path = typeof req.route?.path === 'string' ? req.route.path : undefined;
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      metrics.observeWebhook(path ? `${mount}${path}` : `${mount} unrouted`, res.statusCode, seconds);
    });
    next();
  };
}
