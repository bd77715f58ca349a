import { Router } from 'express';
import { z } from 'zod';
import { E164 } from '../../domain/customer.js';
import type { Hotline } from '../../hotline.js';
import { LANGUAGES } from '../../../voice-flows/prompts/index.js';
import { parse } from '../validate.js';

const e164 = z.string().regex(E164, 'must be an E.164 phone number such as +14155550100');
const body = z.strictObject({ language: z.enum(LANGUAGES as [string, ...string[]]) });

/** The line's phone numbers and the language each answers in (admin API). */
export function numbersRouter(hotline: Hotline): Router {
  const { numbers } = hotline.store;
  const router = Router();
  router.put('/numbers/:e164', async (req, res) => {
    const number = parse(z.object({ e164 }), { e164: req.params.e164 }).e164;
    const { language } = parse(body, req.body);
    await numbers.setLanguage(number, language, hotline.clock.now());
    res.json({ e164: number, language });
  });
  router.get('/numbers', async (_req, res) => {
    res.json({ items: await numbers.list() });
  });
  return router;
}
