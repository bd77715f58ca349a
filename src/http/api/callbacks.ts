import { Router } from 'express';
import { z } from 'zod';
import type { Callback } from '../../domain/storage/callbacks.js';
import { slaState } from '../../domain/sla.js';
import type { Hotline } from '../../hotline.js';
import { parse } from '../validate.js';

const STATUSES = ['pending', 'dialing', 'connected', 'completed', 'failed', 'cancelled'] as const;
const query = z.object({
  status: z
    .string()
    .transform((s) => s.split(','))
    .pipe(z.array(z.enum(STATUSES)))
    .optional(),
  limit: z.coerce.number().int().min(1).max(1000).default(200),
});

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

/** A callback as the API shows it: times in ISO 8601; `sla` (on_time, at_risk, breached) as of `now`. */
export function callbackView(c: Callback, now: number) {
  return {
    callbackId: c.callbackId,
    reference: c.reference,
    customerId: c.customerId,
    priority: c.priority,
    tier: c.tier,
    reason: c.reason,
    phone: c.phone,
    callerPhone: c.callerPhone,
    language: c.language,
    recordingUrl: c.recordingUrl,
    recordingDuration: c.recordingDuration,
    createdAt: new Date(c.createdAt).toISOString(),
    dueAt: new Date(c.dueAt).toISOString(),
    status: c.status,
    callSid: c.callSid,
    sla: slaState(c, now),
    attempts: c.attempts,
    nextAttemptAt: iso(c.nextAttemptAt),
    lastError: c.lastError,
    connectedAt: iso(c.connectedAt),
    breachedAt: iso(c.breachedAt),
  };
}

/** Callback promises, earliest due first (admin API). */
export function callbacksRouter(hotline: Hotline): Router {
  const router = Router();
  router.get('/callbacks', async (req, res) => {
    const { status, limit } = parse(query, req.query);
    const items = await hotline.store.callbacks.list({ limit, ...(status && { statuses: status }) });
    const now = hotline.clock.now();
    res.json({ items: items.map((c) => callbackView(c, now)) });
  });
  return router;
}
