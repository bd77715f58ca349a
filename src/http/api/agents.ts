import { Router } from 'express';
import { z } from 'zod';
import { E164 } from '../../domain/customer.js';
import { notFound } from '../../domain/errors.js';
import type { Hotline } from '../../hotline.js';
import { LANGUAGES } from '../../../voice-flows/prompts/index.js';
import { parse } from '../validate.js';

const agentFields = {
  name: z.string().trim().min(1).max(200),
  phone: z.string().regex(E164, 'must be an E.164 phone number such as +14155550100'),
  languages: z.array(z.enum(LANGUAGES as [string, ...string[]])).min(1).max(LANGUAGES.length),
  onDuty: z.boolean(),
};

const createBody = z.strictObject({
  ...agentFields,
  languages: agentFields.languages.default(['en-US']),
  onDuty: agentFields.onDuty.default(false),
});
const patchBody = z
  .strictObject({
    name: agentFields.name.optional(),
    phone: agentFields.phone.optional(),
    languages: agentFields.languages.optional(),
    onDuty: agentFields.onDuty.optional(),
  })
  .refine((b) => Object.keys(b).length > 0, { message: 'name at least one field to change' });
const agentId = z.coerce.number().int().positive();

/** Agents who take transfers and callbacks (admin API). */
export function agentsRouter(hotline: Hotline): Router {
  const { agents } = hotline.repos;
  const router = Router();
  router.post('/agents', (req, res) => {
    res.status(201).json(agents.create(parse(createBody, req.body), hotline.clock.now()));
  });
  router.get('/agents', (_req, res) => {
    res.json({ items: agents.list() });
  });
  router.get('/agents/:id', (req, res) => {
    const agent = agents.get(parse(agentId, req.params.id));
    if (!agent) throw notFound('agent');
    res.json(agent);
  });
  router.patch('/agents/:id', (req, res) => {
    const id = parse(agentId, req.params.id);
    const agent = agents.update(id, parse(patchBody, req.body), hotline.clock.now());
    if (!agent) throw notFound('agent');
    res.json(agent);
  });
  return router;
}
