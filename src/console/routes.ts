import express, { Router, type ErrorRequestHandler, type Request } from 'express';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DUTY_MODES, type DutyMode } from '../domain/storage/agents.js';
import { isConsoleLanguage, messagesFor, textOf } from './i18n/index.js';
import { AppError } from '../domain/errors.js';
import { adminRoutes } from './adminRoutes.js';
import { apiKeyRoutes } from './apiKeyRoutes.js';
import { isAgentNumber, signedIn } from './auth.js';
import { readBoard } from './board.js';
import { callbackRoutes } from './callbackRoutes.js';
import { clientAddressOf } from './clientAddress.js';
import type { ConsoleDeps } from './deps.js';
import { flashFrom, withFlash } from './flash.js';
import { html } from './html.js';
import { page, securityHeaders } from './layout.js';
import { attention, dashboard, dashboardTitle, regions, summary } from './views/dashboard.js';
import { loginForm } from './views/login.js';

const staticDir = join(dirname(fileURLToPath(import.meta.url)), 'static');
/** The script and stylesheet, read once: the console serves no inline code and nothing else from disk. */
const STATIC: Record<string, { type: string; body: string }> = {
  'console.js': { type: 'text/javascript', body: readFileSync(join(staticDir, 'console.js'), 'utf8') },
  'console.css': { type: 'text/css', body: readFileSync(join(staticDir, 'console.css'), 'utf8') },
  'favicon.svg': { type: 'image/svg+xml', body: readFileSync(join(staticDir, 'favicon.svg'), 'utf8') },
};

/** "callback not found" -> "Callback not found." */
const sentence = (text: string) => `${text.charAt(0).toUpperCase()}${text.slice(1)}${/[.!?]$/.test(text) ? '' : '.'}`;


/** The console page a form was sent from (its path only), to go back to; the dashboard if unsure. */
function pageSentFrom(req: Request): string {
  try {
    const path = new URL(req.get('referer') ?? '').pathname;
    return /^\/console(\/[A-Za-z0-9_-]+){0,3}$/.test(path) && !path.startsWith('/console/static') ? path : '/console';
  } catch {
    return '/console';
  }
}

/** The agent console at /console: sign-in, the dashboard and its live feed, callbacks, calls, agents. */
export function consoleRouter(deps: ConsoleDeps): Router {
  const { store, auth, clock, logger } = deps;
  const router = Router();
  router.use(securityHeaders);

  router.get('/static/:file', (req, res, next) => {
    const file = Object.hasOwn(STATIC, req.params.file) ? STATIC[req.params.file]! : undefined;
    if (!file) return next(new AppError(404, 'not_found', 'Page not found.'));
    res.set('Cache-Control', 'no-cache').type(file.type).send(file.body);
  });

  router.use(express.urlencoded({ extended: false, limit: '16kb', parameterLimit: 50 }));

  router.get('/login', async (req, res) => {
    if (await auth.current(req)) return res.redirect(303, '/console');
    const t = messagesFor(req);
    const body = loginForm(t, { csrf: auth.loginToken(req, res) });
    res.type('html').send(page({ t, title: t.login.title, body, flash: flashFrom(req, t), languageLinks: '/console/login' }).value);
  });

  router.post('/login', auth.requireLoginCsrf, async (req, res) => {
    const form = req.body as Record<string, unknown>;
    const agentId = typeof form.agentId === 'string' ? form.agentId.trim() : '';
    const password = typeof form.password === 'string' ? form.password : '';
    const result = await auth.signIn(req, res, agentId, password);
    if (result.outcome !== 'signed-in') {
      // Whatever was typed into the number field may be a password typed in the wrong box: only a
      // well-formed agent number is logged or shown again.
      const wellFormed = isAgentNumber(agentId);
      const busy = result.outcome === 'busy';
      // The client's address and which limit or pause applied are for the operator only: the page
      // says the same for every refusal.
      const why = busy ? { limit: result.limit } : { paused: result.paused };
      logger.warn(
        { agentId: wellFormed ? agentId : 'malformed', address: clientAddressOf(req), ...why },
        busy ? 'console: sign-in not checked: too many at once' : 'console: sign-in refused',
      );
      const t = messagesFor(req);
      const body = loginForm(t, { csrf: auth.loginToken(req, res), agentId: wellFormed ? agentId : '', error: busy ? t.login.busy : t.login.failed });
      if (busy) res.set('Retry-After', '1');
      return res.status(busy ? 429 : 401).type('html').send(page({ t, title: t.login.title, body, languageLinks: '/console/login' }).value);
    }
    const { agent } = result;
    logger.info({ agentId: agent.agentId }, 'console: signed in');
    res.redirect(303, '/console');
  });

  router.use(auth.requireAgent);
  // Every signed-in page speaks the agent's language (see consoleLanguageFor).
  router.use((req, res, next) => {
    res.locals.t = messagesFor(req, signedIn(res).agent);
    next();
  });

  router.post('/logout', auth.requireCsrf, async (req, res) => {
    await auth.endSession(req, res);
    // The sign-in page after it stays in the language the agent was reading.
    res.redirect(303, `${withFlash('/console/login', 'done', 'signed-out')}&lang=${textOf(res).htmlLang}`);
  });

  router.get('/', async (req, res) => {
    const { agent, session } = signedIn(res);
    const t = textOf(res);
    const board = await readBoard(deps, agent, clock.now(), t.live);
    res.type('html').send(
      page({ t, title: dashboardTitle(t, board), body: dashboard(t, board, session.csrfToken), me: { agent, csrf: session.csrfToken }, section: 'dashboard', flash: flashFrom(req, t) }).value,
    );
  });

  /** The dashboard's regions as markup, for the script that refreshes them every few seconds. */
  router.get('/live', async (_req, res) => {
    const { agent, session } = signedIn(res);
    const t = textOf(res);
    const board = await readBoard(deps, agent, clock.now(), t.live);
    res.json({
      now: board.now,
      summary: summary(t, board),
      title: t.layout.title(dashboardTitle(t, board)),
      attention: attention(board),
      regions: regions(t, board, session.csrfToken),
    });
  });

  /** The agent chooses the console's language: kept on their account, so it follows them to any browser. */
  router.post('/language', auth.requireCsrf, async (req, res) => {
    const { agent } = signedIn(res);
    const language = (req.body as Record<string, unknown>).language;
    if (!isConsoleLanguage(language)) throw new AppError(400, 'invalid_request', 'Choose English or Japanese.', 'language');
    await store.agents.update(agent.agentId, { consoleLanguage: language }, clock.now());
    logger.info({ agentId: agent.agentId, language }, 'console: language chosen');
    res.redirect(303, withFlash(pageSentFrom(req), 'done', 'language'));
  });

  router.post('/duty', auth.requireCsrf, async (req, res) => {
    const { agent } = signedIn(res);
    const duty = (req.body as Record<string, unknown>).duty;
    if (!(DUTY_MODES as readonly unknown[]).includes(duty)) throw new AppError(400, 'invalid_request', 'Choose on duty, off duty or follow my roster.', 'duty');
    await store.agents.update(agent.agentId, { duty: duty as DutyMode }, clock.now());
    logger.info({ agentId: agent.agentId, duty }, 'console: duty changed');
    res.redirect(303, withFlash('/console', 'done', 'duty'));
  });

  router.post('/release', auth.requireCsrf, async (_req, res) => {
    const { agent } = signedIn(res);
    await store.agents.release(agent.agentId, clock.now());
    logger.info({ agentId: agent.agentId }, 'console: agent marked free by hand');
    res.redirect(303, withFlash('/console', 'done', 'free'));
  });

  router.use(callbackRoutes(deps));
  router.use(adminRoutes(deps));
  router.use(apiKeyRoutes(deps));

  router.use((_req, _res, next) => next(new AppError(404, 'not_found', 'Page not found.')));

  const onError: ErrorRequestHandler = async (err, req, res, _next) => {
    const known = err instanceof AppError;
    const status = known ? err.status : typeof err?.status === 'number' && err.status >= 400 && err.status < 500 ? err.status : 500;
    if (status === 500) logger.error({ err, path: req.path }, 'console request failed');
    const message = known ? sentence(err.message) : status === 500 ? 'Something went wrong. Try again.' : 'That request could not be read.';
    if (req.path === '/live' || req.accepts(['html', 'json']) === 'json') {
      res.status(status).json({ error: known ? err.code : 'error', message });
      return;
    }
    // Only to show who is signed in: a page about an error is sent even when that cannot be read.
    const who = await auth.current(req).catch(() => undefined);
    const t = messagesFor(req, who?.agent);
    const e = t.errors;
    const text = known ? t.errors.app(err.code, err.field, message) : status === 500 ? e.server : e.unreadable;
    const body = html`<h1>${status === 404 ? e.notFound : status === 403 ? e.forbidden : e.other}</h1>
<p role="alert">${text}</p><p><a href="/console">${e.back}</a></p>`;
    res.status(status).type('html').send(page({ t, title: e.title, body, ...(who && { me: { agent: who.agent, csrf: who.session.csrfToken } }) }).value);
  };
  router.use(onError);
  return router;
}
