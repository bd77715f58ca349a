import { Router, type Request, type Response } from 'express';
import { AppError, notFound } from '../domain/errors.js';
import { slaState } from '../domain/sla.js';
import { signedIn } from './auth.js';
import type { ConsoleDeps } from './deps.js';
import { flashFrom, withFlash } from './flash.js';
import { textOf } from './i18n/index.js';
import { page } from './layout.js';
import { callPage } from './views/call.js';
import { callbackPage } from './views/callback.js';
import { completeForm } from './views/callbackBits.js';
import { html } from './html.js';
import { isCallbackOutcome, type CallbackOutcome } from '../domain/callbackOutcomes.js';
import { CALL_SID } from '../domain/customer.js';

const BACK = /^\/console(\/callbacks\/[0-9]{1,12})?$/;

const callbackIdOf = (req: Request) => {
  const id = String(req.params.id ?? '');
  if (!/^[0-9]{1,12}$/.test(id)) throw notFound('callback');
  return Number(id);
};
/** Where to go after an action: the page it was taken on, only ever a console page. */
const backOf = (req: Request) => {
  const back = (req.body as Record<string, unknown>).back;
  return typeof back === 'string' && BACK.test(back) ? back : '/console';
};

/** A callback's page and agents' actions on it; a call's audit trail. */
export function callbackRoutes(deps: ConsoleDeps): Router {
  const { store, clock, logger, auth } = deps;
  const { desk } = store;
  const router = Router();

  router.get('/callbacks/:id', async (req, res) => {
    const { agent, session } = signedIn(res);
    const id = callbackIdOf(req);
    const callback = await desk.get(id);
    if (!callback) throw notFound('callback');
    const [notes, tries, customer, escalations] = await Promise.all([
      desk.notes(id),
      desk.customerTries(id),
      store.customers.get(callback.customerId),
      store.escalations.ofCallback(id),
    ]);
    const now = clock.now();
    const t = textOf(res);
    const body = callbackPage(
      t,
      { ...callback, sla: slaState(callback, now) },
      notes,
      tries,
      customer,
      agent.agentId,
      session.csrfToken,
      now,
      escalations,
    );
    res.type('html').send(page({ t, title: t.callback.heading(callback.reference), body, me: { agent, csrf: session.csrfToken }, section: 'dashboard', flash: flashFrom(req, t) }).value);
  });

  /**
   * The callback's recorded description, played in the page: fetched from Twilio with the account's
   * credentials, which never reach the browser. Only a recording of this account is fetched, and only
   * from the configured Twilio API (HOTLINE_TWILIO_API_URL), whatever URL was stored.
   */
  router.get('/callbacks/:id/recording', async (req, res) => {
    signedIn(res);
    const callback = await desk.get(callbackIdOf(req));
    const path = callback?.recordingUrl ? recordingPath(callback.recordingUrl, deps.twilio.accountSid) : undefined;
    if (!path) throw notFound('recording');
    let answer: globalThis.Response;
    try {
      answer = await fetch(`${deps.twilio.apiUrl}${path}.mp3`, {
        headers: { authorization: `Basic ${Buffer.from(`${deps.twilio.accountSid}:${deps.twilio.authToken}`).toString('base64')}` },
        signal: AbortSignal.timeout(10_000),
      });
    } catch (err) {
      logger.warn({ err, callbackId: callback!.callbackId }, 'console: recording could not be fetched from Twilio');
      throw new AppError(502, 'recording_unavailable', 'The recording could not be fetched from Twilio. Try again in a moment.');
    }
    if (!answer.ok) {
      logger.warn({ status: answer.status, callbackId: callback!.callbackId }, 'console: Twilio refused the recording');
      throw new AppError(answer.status === 404 ? 404 : 502, 'recording_unavailable', answer.status === 404 ? 'Twilio no longer has this recording.' : 'Twilio did not give the recording. Try again in a moment.');
    }
    res.set('Cache-Control', 'private, no-store').type('audio/mpeg').send(Buffer.from(await answer.arrayBuffer()));
  });

  /** Runs an agent's action on a callback and goes back with its confirmation or refusal. */
  const act = (action: 'claim' | 'release' | 'complete', done: string) => async (req: Request, res: Response) => {
    const { agent } = signedIn(res);
    const id = callbackIdOf(req);
    const now = clock.now();
    const takeOver = (req.body as Record<string, unknown>).takeOver === '1';
    const outcome = (req.body as Record<string, unknown>).outcome;
    if (action === 'complete' && (typeof outcome !== 'string' || !isCallbackOutcome(outcome))) {
      throw new AppError(400, 'invalid_request', 'Choose what became of the callback: reached the customer, could not reach them, or a duplicate.', 'outcome');
    }
    const refusal = await (action === 'claim'
      ? desk.claim(id, agent.agentId, now, { takeOver })
      : action === 'release'
        ? desk.release(id, agent.agentId, now)
        : desk.complete(id, agent.agentId, now, outcome as CallbackOutcome));
    const reference = (await desk.get(id))?.reference;
    logger.info({ agentId: agent.agentId, callbackId: id, action, refusal }, `console: callback ${action}`);
    res.redirect(303, refusal ? withFlash(backOf(req), 'error', refusal, reference) : withFlash(backOf(req), 'done', done, reference));
  };
  router.post('/callbacks/:id/claim', auth.requireCsrf, act('claim', 'claimed'));
  router.post('/callbacks/:id/release', auth.requireCsrf, act('release', 'released'));
  router.post('/callbacks/:id/complete', auth.requireCsrf, act('complete', 'completed'));
  /** Complete asks first what became of the callback. */
  router.get('/callbacks/:id/complete', async (req, res) => {
    const { agent, session } = signedIn(res);
    const callback = await desk.get(callbackIdOf(req));
    if (!callback) throw notFound('callback');
    const back = `/console/callbacks/${callback.callbackId}`;
    const t = textOf(res);
    const body = html`<p><a href="${back}">${t.callback.backTo(callback.reference)}</a></p><h1>${t.callback.completeHeading(callback.reference)}</h1>
${completeForm(t, { ...callback, sla: slaState(callback, clock.now()) }, session.csrfToken, back)}`;
    res.type('html').send(page({ t, title: t.callback.completeTitle(callback.reference), body, me: { agent, csrf: session.csrfToken }, section: 'dashboard' }).value);
  });

  router.post('/callbacks/:id/notes', auth.requireCsrf, async (req, res) => {
    const { agent } = signedIn(res);
    const id = callbackIdOf(req);
    const raw = (req.body as Record<string, unknown>).body;
    const body = typeof raw === 'string' ? raw.trim() : '';
    if (body === '' || body.length > 4000) throw new AppError(400, 'invalid_request', 'A note must have 1 to 4000 characters.', 'body');
    const refusal = await desk.addNote(id, agent.agentId, body, clock.now());
    if (refusal) throw notFound('callback');
    logger.info({ agentId: agent.agentId, callbackId: id }, 'console: note added');
    res.redirect(303, withFlash(`/console/callbacks/${id}`, 'done', 'note'));
  });

  router.get('/calls/:sid', async (req, res) => {
    const { agent, session } = signedIn(res);
    const sid = String(req.params.sid ?? '');
    const call = CALL_SID.test(sid) ? await store.calls.get(sid) : undefined;
    if (!call) throw notFound('call');
    const [audit, customer, callback] = await Promise.all([
      store.verification.audit({ callSid: sid, limit: 100 }),
      call.customerId ? store.customers.get(call.customerId) : undefined,
      store.callbacks.byCallSid(sid),
    ]);
    const t = textOf(res);
    const body = callPage(t, call, audit, customer, callback, clock.now());
    res.type('html').send(page({ t, title: t.call.title(sid.slice(-6)), body, me: { agent, csrf: session.csrfToken }, section: 'dashboard' }).value);
  });
  return router;
}

/** A Twilio recording's API path (/2010-04-01/Accounts/AC.../Recordings/RE...) if the URL is one of this account's. */
export function recordingPath(url: string, accountSid: string): string | undefined {
  let pathname: string;
  try {
    pathname = new URL(url).pathname.replace(/\.(mp3|wav|json)$/, '');
  } catch {
    return undefined;
  }
  const match = /^\/2010-04-01\/Accounts\/(AC[0-9a-fA-F]{32})\/Recordings\/RE[0-9a-fA-F]{32}$/.exec(pathname);
  return match && match[1] === accountSid ? pathname : undefined;
}
