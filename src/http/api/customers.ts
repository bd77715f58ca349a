import { Router } from 'express';
import { z } from 'zod';
import { CUSTOMER_STATUSES, E164, PLANS, TIERS } from '../../domain/customer.js';
import { displayName } from '../../domain/names.js';
import type { Hotline } from '../../hotline.js';
import { callerOf, onlyFor } from '../scopes.js';
import { parse } from '../validate.js';

const phone = z.string().regex(E164, 'must be an E.164 phone number such as +14155550100');

const createBody = z.strictObject({
  name: displayName,
  plan: z.enum(PLANS),
  tier: z.enum(TIERS).optional(),
  phone: phone.optional(),
  customerId: z.string().optional(),
});

const patchBody = z
  .strictObject({
    name: displayName.optional(),
    plan: z.enum(PLANS).optional(),
    tier: z.enum(TIERS).optional(),
    status: z.enum(CUSTOMER_STATUSES).optional(),
    phone: phone.nullable().optional(),
  })
  .refine((b) => Object.keys(b).length > 0, { message: 'name at least one field to change' });

const listQuery = z.object({
  limit: z.coerce.number().int().min(1).max(500).default(50),
  after: z.string().regex(/^[0-9]{1,12}$/).optional(),
});

const confirmBody = z.strictObject({ code: z.string() });

/**
 * The dashboard/admin API over customers, their codes and authenticators. The routes marked
 * `dashboard` are the ones a dashboard key may use (./scopes.ts lists them for the authentication).
 */
export function customersRouter(hotline: Hotline): Router {
  const { customers } = hotline;
  const router = Router();

  router.post('/customers', async (req, res) => {
    res.status(201).json(await customers.create(parse(createBody, req.body)));
  });
  router.get('/customers', async (req, res) => {
    const query = parse(listQuery, req.query);
    const items = await customers.list(query);
    const last = items.at(-1);
    res.json({ items, next: items.length === query.limit && last ? last.customerId : null });
  });
  router.get('/customers/:id', async (req, res) => {
    res.json(await customers.get(req.params.id));
  });
  router.patch('/customers/:id', async (req, res) => {
    res.json(await customers.update(req.params.id, parse(patchBody, req.body)));
  });
  // Every route under these paths is a dashboard route (a GET of a code is not a mere read).
  router.use(['/customers/:id/one-time-token', '/customers/:id/authenticator', '/customers/:id/panel-sessions'], onlyFor('dashboard'));
  router.get('/customers/:id/one-time-token', async (req, res) => {
    res.set('Cache-Control', 'no-store').json(await customers.dashboardCode(req.params.id));
  });
  router.post('/customers/:id/authenticator', async (req, res) => {
    res.status(201).set('Cache-Control', 'no-store').json(await customers.enrollAuthenticator(req.params.id));
  });
  router.post('/customers/:id/authenticator/confirm', async (req, res) => {
    res.json(await customers.confirmAuthenticator(req.params.id, parse(confirmBody, req.body).code));
  });
  router.delete('/customers/:id/authenticator', async (req, res) => {
    await customers.removeAuthenticator(req.params.id);
    res.status(204).end();
  });
  // For the vendor's backend to hand to this customer's browser: the panel's own short-lived session.
  router.post('/customers/:id/panel-sessions', async (req, res) => {
    const session = await hotline.panelSessions.mint(req.params.id, callerOf(res));
    res.status(201).set('Cache-Control', 'no-store').json({
      token: session.token,
      customerId: session.customerId,
      expiresAt: new Date(session.expiresAt).toISOString(),
      expiresInSeconds: Math.round(hotline.config.panelSessionMs / 1000),
    });
  });
  router.post('/customers/:id/unlock', async (req, res) => {
    res.json(await customers.unlock(req.params.id));
  });
  return router;
}
