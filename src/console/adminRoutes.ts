import { Router, type Request, type Response } from 'express';
import { notFound } from '../domain/errors.js';
import { readAgentForm, readPassword, readRosterForm } from './agentForms.js';
import { signedIn } from './auth.js';
import type { ConsoleDeps } from './deps.js';
import { flashFrom, withFlash } from './flash.js';
import { textOf } from './i18n/index.js';
import { page } from './layout.js';
import { hashPassword } from './passwords.js';
import { agentPage, agentsPage, type FormState } from './views/agents.js';

const agentIdOf = (req: Request) => {
  const id = String(req.params.id ?? '');
  if (!/^[0-9]{1,9}$/.test(id)) throw notFound('agent');
  return Number(id);
};
const bodyOf = (req: Request) => (req.body ?? {}) as Record<string, string | string[] | undefined>;

/** Admins manage agents: create, edit, duty, roster, console passwords and removal. */
export function adminRoutes(deps: ConsoleDeps): Router {
  const { store, clock, logger, auth } = deps;
  const { agents, credentials } = store;
  const router = Router();
  router.use('/agents', auth.requireAdmin);

  const send = (req: Request, res: Response, title: string, body: ReturnType<typeof agentsPage>, status = 200) => {
    const { agent, session } = signedIn(res);
    const t = textOf(res);
    res.status(status).type('html').send(page({ t, title, body, me: { agent, csrf: session.csrfToken }, section: 'agents', flash: flashFrom(req, t) }).value);
  };
  const list = async (req: Request, res: Response, state?: FormState) => {
    const [all, withPassword] = await Promise.all([agents.list(), credentials.withPassword()]);
    send(req, res, textOf(res).agents.title, agentsPage(textOf(res), all, withPassword, signedIn(res).session.csrfToken, state), state ? 400 : 200);
  };
  /** A current agent; one who was removed is not found here (the API still shows them, for history). */
  const current = async (id: number) => {
    const agent = await agents.get(id);
    if (!agent || agent.removedAt !== null) throw notFound('agent');
    return agent;
  };
  const one = async (req: Request, res: Response, id: number, state?: Parameters<typeof agentPage>[4]) => {
    const agent = await current(id);
    send(req, res, agent.name, agentPage(textOf(res), agent, signedIn(res).session.csrfToken, clock.now(), state), state ? 400 : 200);
  };

  router.get('/agents', (req, res) => list(req, res));

  router.post('/agents', auth.requireCsrf, async (req, res) => {
    const body = bodyOf(req);
    const form = readAgentForm(body);
    const password = readPassword(body, true);
    const failed = !form.ok ? form : !password.ok ? password : null;
    if (failed) return list(req, res, { values: { ...body, password: undefined }, error: failed });
    if (!form.ok || !password.ok) return;
    const hashed = password.value === null ? null : await hashPassword(password.value);
    const now = clock.now();
    // The agent and their password are one change: nobody is added without the password they were given.
    const created = await store.unitOfWork(async (tx) => {
      const agent = await tx.agents.create(form.value, now);
      if (hashed) await tx.credentials.setPassword(agent.agentId, hashed, now);
      return agent;
    });
    logger.info({ by: signedIn(res).agent.agentId, agentId: created.agentId }, 'console: agent created');
    res.redirect(303, withFlash(`/console/agents/${created.agentId}`, 'done', 'created'));
  });

  router.get('/agents/:id', (req, res) => one(req, res, agentIdOf(req)));

  router.post('/agents/:id', auth.requireCsrf, async (req, res) => {
    const id = agentIdOf(req);
    const body = bodyOf(req);
    const form = readAgentForm(body);
    if (!form.ok) return one(req, res, id, { form: 'details', values: body, error: form });
    const me = signedIn(res).agent;
    // An admin cannot take away their own role: there would be nobody left to give it back.
    if (id === me.agentId && !form.value.isAdmin) {
      return one(req, res, id, { form: 'details', values: body, error: { field: 'isAdmin', message: 'You cannot remove your own admin role' } });
    }
    if (!(await agents.update(id, form.value, clock.now()))) throw notFound('agent');
    logger.info({ by: me.agentId, agentId: id }, 'console: agent updated');
    res.redirect(303, withFlash(`/console/agents/${id}`, 'done', 'saved'));
  });

  router.post('/agents/:id/roster', auth.requireCsrf, async (req, res) => {
    const id = agentIdOf(req);
    const roster = readRosterForm(bodyOf(req));
    if (!roster.ok) return one(req, res, id, { form: 'roster', values: bodyOf(req), error: roster });
    if (!(await agents.setRoster(id, roster.value, clock.now()))) throw notFound('agent');
    logger.info({ by: signedIn(res).agent.agentId, agentId: id }, 'console: roster saved');
    res.redirect(303, withFlash(`/console/agents/${id}`, 'done', 'roster'));
  });

  router.post('/agents/:id/password', auth.requireCsrf, async (req, res) => {
    const id = agentIdOf(req);
    const password = readPassword(bodyOf(req), false);
    if (!password.ok || password.value === null) {
      return one(req, res, id, { form: 'password', values: {}, error: password.ok ? { field: 'password', message: 'Password is required' } : password });
    }
    await current(id);
    if (!(await credentials.setPassword(id, await hashPassword(password.value), clock.now()))) throw notFound('agent');
    logger.info({ by: signedIn(res).agent.agentId, agentId: id }, 'console: password set');
    // Setting one's own password ends one's own session too: sign in again with it.
    if (id === signedIn(res).agent.agentId) return res.redirect(303, withFlash('/console/login', 'done', 'password'));
    res.redirect(303, withFlash(`/console/agents/${id}`, 'done', 'password'));
  });

  router.post('/agents/:id/remove', auth.requireCsrf, async (req, res) => {
    const id = agentIdOf(req);
    await current(id);
    const me = signedIn(res).agent;
    if (bodyOf(req).confirm !== '1') {
      return one(req, res, id, { form: 'remove', values: {}, error: { field: 'confirm', message: 'Tick the box to confirm the agent has left' } });
    }
    // As with the admin role: removing oneself could leave nobody to manage agents.
    if (id === me.agentId) {
      return one(req, res, id, { form: 'remove', values: {}, error: { field: 'confirm', message: 'You cannot remove yourself' } });
    }
    // Read again with the removal: an agent removed since the check above is not removed (or reported) twice.
    const now = clock.now();
    const removed = await store.unitOfWork(async (tx) => {
      const agent = await tx.agents.get(id);
      return agent && agent.removedAt === null ? await tx.agents.remove(id, now) : undefined;
    });
    if (!removed) throw notFound('agent');
    logger.info({ by: me.agentId, agentId: id, releasedClaims: removed.releasedClaims }, 'console: agent removed');
    res.redirect(303, withFlash('/console/agents', 'done', 'removed', String(id)));
  });
  return router;
}
