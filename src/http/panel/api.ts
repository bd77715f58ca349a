import express, { Router, type Response } from 'express';
import { z } from 'zod';
import type { PanelSession } from '../../domain/panelSessions.js';
import type { Hotline } from '../../hotline.js';
import { AppError } from '../../domain/errors.js';
import { parse } from '../validate.js';

const confirmBody = z.strictObject({ code: z.string() });

const sessionOf = (res: Response): PanelSession => res.locals.panelSession as PanelSession;

/**
 * What the customer's panel may do, with a panel session in `Authorization: Bearer hl_panel_...`:
 * read its session, read the current one-time code, and set up, confirm or remove the authenticator,
 * all for the session's one customer and nothing else. Every answer is `no-store`.
 */
export function panelApiRouter(hotline: Hotline): Router {
  const { customers, panelSessions, store } = hotline;
  const router = Router();
  router.use((_req, res, next) => {
    res.set('Cache-Control', 'no-store');
    next();
  });
  router.use(async (req, res, next) => {
    const match = /^Bearer\s+(\S+)\s*$/i.exec(req.get('authorization') ?? '');
    res.locals.panelSession = await panelSessions.open(match?.[1]);
    next();
  });
  router.use(express.json({ limit: '1kb' }));

  router.get('/session', async (_req, res) => {
    const { customerId, expiresAt } = sessionOf(res);
    const customer = await customers.get(customerId);
    res.json({
      customerId,
      name: customer.name,
      expiresAt: new Date(expiresAt).toISOString(),
      authenticator: await customers.authenticatorState(customerId),
      // The emergency numbers to call, with the language each answers in.
      numbers: (await store.numbers.list()).map(({ e164, language }) => ({ e164, language })),
    });
  });
  router.get('/token', async (_req, res) => {
    res.json(await customers.panelCode(sessionOf(res).customerId));
  });
  router.post('/authenticator', async (_req, res) => {
    res.status(201).json(await customers.enrollAuthenticator(sessionOf(res).customerId));
  });
  router.post('/authenticator/confirm', async (req, res) => {
    res.json(await customers.confirmAuthenticator(sessionOf(res).customerId, parse(confirmBody, req.body).code));
  });
  router.delete('/authenticator', async (_req, res) => {
    await customers.removeAuthenticator(sessionOf(res).customerId);
    res.status(204).end();
  });
  router.use((_req, _res, next) => next(new AppError(404, 'not_found', 'no such panel route')));
  return router;
}
