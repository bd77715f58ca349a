import { Router } from 'express';
import { z } from 'zod';
import { DUTY_MODES, type Agent } from '../../domain/storage/agents.js';
import type { Repositories, Store } from '../../domain/storage/index.js';
import { E164 } from '../../domain/customer.js';
import { conflict, notFound } from '../../domain/errors.js';
import { displayName } from '../../domain/names.js';
import { canonicalTimeZone, END_TIME, isOnRoster, isValidTimeZone, START_TIME, WEEKDAYS } from '../../domain/roster.js';
import type { Hotline } from '../../hotline.js';
import { LANGUAGES } from '../../../voice-flows/prompts/index.js';
import { parse } from '../validate.js';

const agentFields = {
  name: displayName,
  phone: z.string().regex(E164, 'must be an E.164 phone number such as +14155550100'),
  languages: z.array(z.enum(LANGUAGES as [string, ...string[]])).min(1).max(LANGUAGES.length),
  onDuty: z.boolean(),
  duty: z.enum(DUTY_MODES, { message: "must be 'on', 'off' or 'roster'" }),
  isAdmin: z.boolean(),
};

/** `onDuty` is the manual switch of old (true = 'on', false = 'off'); `duty` may also say 'roster'. */
const sameDuty = (b: { onDuty?: boolean | undefined; duty?: string | undefined }) =>
  b.onDuty === undefined || b.duty === undefined || b.duty === (b.onDuty ? 'on' : 'off');
const dutyConflict = { message: 'contradicts onDuty: send one of them', path: ['duty'] };

/** A new agent as the API and the CLI take it. */
export const createBody = z
  .strictObject({
    ...agentFields,
    languages: agentFields.languages.default(['en-US']),
    onDuty: agentFields.onDuty.optional(),
    duty: agentFields.duty.optional(),
    isAdmin: agentFields.isAdmin.default(false),
  })
  .refine(sameDuty, dutyConflict);
const patchBody = z
  .strictObject({
    name: agentFields.name.optional(),
    phone: agentFields.phone.optional(),
    languages: agentFields.languages.optional(),
    onDuty: agentFields.onDuty.optional(),
    duty: agentFields.duty.optional(),
    isAdmin: agentFields.isAdmin.optional(),
  })
  .refine((b) => Object.keys(b).length > 0, { message: 'name at least one field to change' })
  .refine(sameDuty, dutyConflict);
/** The agent number in a route's path (`/agents/:id`); a bad one is a 400 naming `id`. */
const agentPath = z.object({ id: z.coerce.number().int().positive() });

const rule = z
  .strictObject({
    days: z
      .array(z.string().transform((d) => d.toLowerCase()).pipe(z.enum(WEEKDAYS, { message: `must be one of ${WEEKDAYS.join(', ')}` })))
      .min(1)
      .max(7)
      .transform((days) => [...new Set(days)]),
    start: z.string().regex(START_TIME, 'must be a time HH:MM from 00:00 to 23:59'),
    end: z.string().regex(END_TIME, 'must be a time HH:MM from 00:00 to 24:00'),
  })
  .refine((r) => r.start !== r.end, {
    message: 'must differ from start (use 00:00 to 24:00 for a whole day)',
    path: ['end'],
  });
/** The weekly roster: rules read in an IANA time zone, which Intl must know. */
export const rosterBody = z.strictObject({
  timeZone: z
    .string()
    .refine(isValidTimeZone, 'must be an IANA time zone such as Asia/Tokyo')
    .transform(canonicalTimeZone),
  rules: z.array(rule).max(50),
});

/** An agent's duty and weekly roster as the API and the CLI show them. */
export function rosterView(agent: Agent, now: number) {
  return {
    agentId: agent.agentId,
    duty: agent.duty,
    timeZone: agent.roster?.timeZone ?? null,
    rules: agent.roster?.rules ?? [],
    onRosterNow: agent.roster ? isOnRoster(agent.roster, now) : false,
    onDuty: agent.onDuty,
    state: agent.state,
  };
}

/** The refusal of any change to an agent who was removed, on the API and the command line alike. */
export const removedAgent = (id: number | string) => conflict(`agent ${id} was removed; add a new agent instead`);

/**
 * Changes an agent that may still be changed (a removed one is kept for history, not edited): the
 * check and the change in one transaction, so a removal in between cannot slip past the check.
 */
export function changeCurrentAgent(store: Store, id: number, change: (tx: Repositories) => Promise<Agent | undefined>): Promise<Agent> {
  return store.unitOfWork(async (tx) => {
    const agent = await tx.agents.get(id);
    if (!agent) throw notFound('agent');
    if (agent.removedAt !== null) throw removedAgent(id);
    const changed = await change(tx);
    if (!changed) throw notFound('agent');
    return changed;
  });
}

/** Agents who take transfers and callbacks, their duty and weekly roster (admin API). */
export function agentsRouter(hotline: Hotline): Router {
  const { store } = hotline;
  const { agents } = store;
  const router = Router();
  const found = (agent: Agent | undefined) => {
    if (!agent) throw notFound('agent');
    return agent;
  };
  const changeCurrent = (id: number, change: (tx: Repositories) => Promise<Agent | undefined>) => changeCurrentAgent(store, id, change);
  router.post('/agents', async (req, res) => {
    res.status(201).json(await agents.create(parse(createBody, req.body), hotline.clock.now()));
  });
  router.get('/agents', async (_req, res) => {
    res.json({ items: await agents.list() });
  });
  router.get('/agents/:id', async (req, res) => {
    res.json(found(await agents.get(parse(agentPath, req.params).id)));
  });
  router.patch('/agents/:id', async (req, res) => {
    const id = parse(agentPath, req.params).id;
    res.json(await changeCurrent(id, (tx) => tx.agents.update(id, parse(patchBody, req.body), hotline.clock.now())));
  });
  // The agent left: off duty for good, signed out with no password, their claimed callbacks given
  // back to the dialer. Kept (GET shows removedAt) for the calls and callbacks that name them.
  router.delete('/agents/:id', async (req, res) => {
    const id = parse(agentPath, req.params).id;
    const removed = await agents.remove(id, hotline.clock.now());
    if (!removed) throw notFound('agent');
    hotline.logger.info({ agentId: id, releasedClaims: removed.releasedClaims }, 'agent removed');
    res.json({ ...removed.agent, releasedClaims: removed.releasedClaims });
  });
  router.get('/agents/:id/roster', async (req, res) => {
    res.json(rosterView(found(await agents.get(parse(agentPath, req.params).id)), hotline.clock.now()));
  });
  router.put('/agents/:id/roster', async (req, res) => {
    const id = parse(agentPath, req.params).id;
    const roster = parse(rosterBody, req.body);
    res.json(rosterView(await changeCurrent(id, (tx) => tx.agents.setRoster(id, roster, hotline.clock.now())), hotline.clock.now()));
  });
  return router;
}
