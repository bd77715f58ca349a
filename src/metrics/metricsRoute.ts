import type { RequestHandler } from 'express';
import type { Metrics } from './metrics.js';

/** GET /metrics in the Prometheus text format. */
export function metricsHandler(metrics: Pick<Metrics, 'registry'>): RequestHandler {
  return async (_req, res, next) => {
    try {
      const body = await metrics.registry.metrics();
      res.set('Cache-Control', 'no-store').type(metrics.registry.contentType).send(body);
    } catch (err) {
      next(err);
    }
  };
}
