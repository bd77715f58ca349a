import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import type { Agent } from '../domain/storage/agents.js';
import type { Store } from '../domain/storage/index.js';
import type { ConsoleSession } from '../domain/storage/sessions.js';
import type { FailureCountRepository } from '../domain/storage/failureCounts.js';
import type { Clock } from '../domain/clock.js';
import { AppError } from '../domain/errors.js';
import { storedAddressFailures } from './addressFailures.js';
import { Busy, createCheckGate } from './checkGate.js';
import { clientAddressOf } from './clientAddress.js';
import { cookieJar } from './cookies.js';
import { decoyPassword, verifyPassword } from './passwords.js';
import { ADDRESS_LOCK, AGENT_LOCK, DEVICE_MAX_AGE_MS, SIGN_IN_CHECKS } from './signInLimits.js';
import { trustedDevices } from './trustedDevice.js';

const MINUTE = 60_000;
/** A session lasts one long shift at most, and ends after half an hour with no console open. */
export const SESSION_MAX_MS = 12 * 60 * MINUTE;
export const SESSION_IDLE_MS = 30 * MINUTE;
/** Activity is written at most once a minute, not on every 3-second refresh. */
const TOUCH_EVERY_MS = MINUTE;

const SESSION = 'hotline_session';
const LOGIN_CSRF = 'hotline_login';
const DEVICE = 'hotline_device';

const sha256 = (value: string) => createHash('sha256').update(value).digest();
const token = () => randomBytes(32).toString('base64url');

/** Equal strings, compared in constant time (hashed first, so lengths do not leak either). */
export function sameSecret(a: string, b: string): boolean {
  return timingSafeEqual(sha256(a), sha256(b));
}

/** Whether sign-in text is an agent number as the form asks for it (1 to 9 digits). */
export const isAgentNumber = (text: string): boolean => /^[0-9]{1,9}$/.test(text);

/**
 * How a sign-in ended: signed in; refused (one answer for every failure; `paused` says, for the log
 * only, which pause is in force after it); or not checked because a limit on checks was reached.
 */
export type SignInResult =
  | { outcome: 'signed-in'; agent: Agent }
  | { outcome: 'refused'; paused: 'address' | 'agent' | null }
  | { outcome: 'busy'; limit: Busy['limit'] };

export interface SignedIn {
  agent: Agent;
  session: ConsoleSession;
}

/** The signed-in agent of a request that passed requireAgent. */
export const signedIn = (res: Response): SignedIn => res.locals.signedIn as SignedIn;

export interface ConsoleAuthDeps {
  store: Pick<Store, 'agents' | 'credentials' | 'sessions' | 'failureCounts' | 'unitOfWork'>;
  clock: Clock;
  publicBaseUrl: string;
  /** Signs the cookie of browsers agents signed in on (see trustedDevice.ts). */
  deviceKey: Buffer;
}

/**
 * A password that matched: the agent's stored hash it was checked against, and the trusted browser it
 * was checked from, if that is what let it past the agent's pause.
 */
interface Matched {
  agentId: number;
  /** The client address it was checked from. */
  address: string;
  checkedPassword: Buffer;
  browser: string | undefined;
}
type Checked = Matched | { refused: 'address' | 'agent' | null };

/** Sign-in, sessions in the database behind an HttpOnly cookie, and the CSRF and origin checks of every form. */
export function consoleAuth(deps: ConsoleAuthDeps) {
  const { store, clock } = deps;
  const secure = deps.publicBaseUrl.startsWith('https://');
  const cookies = cookieJar(secure);
  const publicOrigin = new URL(deps.publicBaseUrl).origin;
  const checks = createCheckGate(SIGN_IN_CHECKS);
  const addressFailures = (counts: FailureCountRepository) => storedAddressFailures(counts, ADDRESS_LOCK);
  const devices = trustedDevices(deps.deviceKey, DEVICE_MAX_AGE_MS);

  /**
   * Checks an agent number and password; the same answer, in about the same time (a paused or unknown
   * agent's attempt hashes a decoy), for every failure.
   */
  async function checkPassword(req: Request, agentIdText: string, address: string, password: string): Promise<Checked> {
    const refuse = async (refused: 'address' | 'agent' | null): Promise<Checked> => {
      await verifyPassword(password, await decoyPassword());
      return { refused };
    };
    const agentId = isAgentNumber(agentIdText) ? Number(agentIdText) : NaN;
    const now = clock.now();
    const current = Number.isSafeInteger(agentId) ? await store.credentials.get(agentId) : undefined;
    if (!current) return refuse(null);
    if (await addressFailures(store.failureCounts).paused(agentId, address, now)) return refuse('address');
    // Counted (and refused while paused) before the hash, not after, in one unit of work: a burst of
    // parallel guesses, on any instance, gets no more checks than the same guesses one at a time.
    const agentLock = { after: AGENT_LOCK.after, until: now + AGENT_LOCK.forMs, since: now - AGENT_LOCK.windowMs };
    const cookie = cookies.get(req, DEVICE);
    const decided = await store.unitOfWork(async (tx) => {
      const fromAddress = addressFailures(tx.failureCounts);
      const counted = await tx.credentials.countAttempt(agentId, now, agentLock);
      // A pause of the whole agent is for guesses from elsewhere: a browser the agent signed in on before
      // still gets its password checked. Its own wrong ones pause it like any address, and also by the
      // browser itself, so a copied cookie gets no more guesses from many addresses than from one.
      const device = counted ? undefined : devices.vouchedFor(cookie, agentId, current.hash, now);
      const browser = device && `device ${device}`;
      if (browser && (await fromAddress.paused(agentId, browser, now))) return { refused: 'address' as const };
      const stored = counted ?? (device ? current : undefined);
      if (!stored) return { refused: 'agent' as const };
      // Another check from this address may have been counted meanwhile: the count is the guarded write,
      // and refuses, counting nothing, once the pause is in force.
      const here = await fromAddress.count(agentId, address, now);
      const there = browser && here !== 'refused' ? await fromAddress.count(agentId, browser, now) : undefined;
      if (here === 'refused' || there === 'refused') return { refused: 'address' as const };
      const pausedHere = here === 'counted-paused' || there === 'counted-paused';
      const pausedAgent = device !== undefined || (counted?.lockedUntil ?? 0) > now;
      return { stored, browser, pausedHere, pausedAgent };
    });
    if ('refused' in decided && decided.refused) return refuse(decided.refused);
    const { stored, browser, pausedHere, pausedAgent } = decided;
    const matches = await verifyPassword(password, stored);
    if (!matches) return { refused: pausedHere ? 'address' : pausedAgent ? 'agent' : null };
    return { agentId, address, checkedPassword: stored.hash, browser };
  }

  /**
   * The hash took tens of milliseconds: the agent may have been removed, or given a new password (which
   * signs them out), meanwhile. The password just checked counts only if it is still theirs, so it is
   * read again and the session written in one unit of work. Undefined, writing nothing, when it is not.
   */
  function startSession(matched: Matched, sessionHash: Buffer, session: ConsoleSession): Promise<Agent | undefined> {
    const { agentId, checkedPassword } = matched;
    return store.unitOfWork(async (tx) => {
      const stored = await tx.credentials.get(agentId);
      const agent = await tx.agents.get(agentId);
      if (!stored || !stored.hash.equals(checkedPassword) || !agent || agent.removedAt !== null) return undefined;
      // Signing in past the agent's pause leaves it in force: it holds back whoever else is guessing.
      if (!matched.browser) await tx.credentials.recordSuccess(agentId, session.createdAt);
      // This address, and the browser, start again from nothing for this agent.
      const fromAddress = addressFailures(tx.failureCounts);
      await fromAddress.clear(agentId, matched.address);
      if (matched.browser) await fromAddress.clear(agentId, matched.browser);
      await tx.sessions.purgeExpired(session.createdAt);
      return (await tx.sessions.create(sessionHash, session, checkedPassword)) ? agent : undefined;
    });
  }

  /**
   * Checks the password and starts a fresh session (a new id, never one the browser brought) with its
   * cookie, and marks the browser as one this agent signs in on. The session is written only if the
   * password checked is still the agent's.
   */
  async function signIn(req: Request, res: Response, agentIdText: string, password: string): Promise<SignInResult> {
    const address = clientAddressOf(req);
    const typed = isAgentNumber(agentIdText) ? String(Number(agentIdText)) : '';
    const checked = await checks.run({ address, agent: typed }, () => checkPassword(req, agentIdText, address, password));
    if (checked instanceof Busy) return { outcome: 'busy', limit: checked.limit };
    if ('refused' in checked) return { outcome: 'refused', paused: checked.refused };
    const now = clock.now();
    const id = token();
    const session = {
      agentId: checked.agentId,
      csrfToken: token(),
      createdAt: now,
      lastSeenAt: now,
      expiresAt: Math.min(now + SESSION_IDLE_MS, now + SESSION_MAX_MS),
    };
    const agent = await startSession(checked, sha256(id), session);
    if (!agent) return { outcome: 'refused', paused: null };
    cookies.set(res, SESSION, id, SESSION_MAX_MS / 1000);
    cookies.set(res, DEVICE, devices.issue(agent.agentId, checked.checkedPassword, now), DEVICE_MAX_AGE_MS / 1000);
    cookies.clear(res, LOGIN_CSRF);
    return { outcome: 'signed-in', agent };
  }

  async function endSession(req: Request, res: Response): Promise<void> {
    const id = cookies.get(req, SESSION);
    if (id) await store.sessions.delete(sha256(id));
    cookies.clear(res, SESSION);
  }

  async function current(req: Request): Promise<SignedIn | undefined> {
    const id = cookies.get(req, SESSION);
    if (!id || id.length > 100) return undefined;
    const hash = sha256(id);
    const now = clock.now();
    const session = await store.sessions.find(hash, now);
    if (!session) return undefined;
    const agent = await store.agents.get(session.agentId);
    // Removal ends an agent's sessions; this makes sure no session outlives it however it was made.
    if (!agent || agent.removedAt !== null) return undefined;
    if (now - session.lastSeenAt >= TOUCH_EVERY_MS) {
      const expiresAt = Math.min(now + SESSION_IDLE_MS, session.createdAt + SESSION_MAX_MS);
      await store.sessions.touch(hash, now, expiresAt);
    }
    return { agent, session };
  }

  /** Pages need a signed-in agent: others are sent to sign in (the live feed answers 401). */
  const requireAgent: RequestHandler = async (req, res, next) => {
    const who = await current(req);
    if (who) {
      res.locals.signedIn = who;
      return next();
    }
    if (req.method === 'GET' && req.accepts(['html', 'json']) === 'html') return void res.redirect(303, '/console/login');
    next(new AppError(401, 'unauthorized', 'Your session has ended. Sign in again.'));
  };

  const requireAdmin: RequestHandler = (_req, res, next) => {
    if (signedIn(res).agent.isAdmin) return next();
    next(new AppError(403, 'forbidden', 'Only admins can manage agents.'));
  };

  /**
   * A form post must come from this site: its Origin (when the browser sends one) is this server's,
   * the browser does not call it cross-site, and it carries the token only the page knows.
   */
  function sameSite(req: Request): boolean {
    if (req.get('sec-fetch-site') === 'cross-site' || req.get('sec-fetch-site') === 'same-site') return false;
    const origin = req.get('origin');
    if (origin === undefined) return true;
    const own = `${req.protocol}://${req.get('host') ?? ''}`;
    return origin === publicOrigin || origin === own;
  }

  const formToken = (req: Request) => {
    const value = (req.body as Record<string, unknown> | undefined)?._csrf;
    return typeof value === 'string' ? value : '';
  };

  const checkForm = (req: Request, _res: Response, next: NextFunction, expected: string | undefined) => {
    if (!sameSite(req) || !expected || !sameSecret(formToken(req), expected)) {
      return next(new AppError(403, 'csrf', 'This form has expired or did not come from the console. Reload the page and try again.'));
    }
    next();
  };

  /** Every POST of a signed-in agent. */
  const requireCsrf: RequestHandler = (req, res, next) => checkForm(req, res, next, signedIn(res).session.csrfToken);
  /** The sign-in form, before there is a session: the token is also in a short-lived cookie. */
  const requireLoginCsrf: RequestHandler = (req, res, next) => checkForm(req, res, next, cookies.get(req, LOGIN_CSRF));

  /** The token the sign-in form carries (and its cookie). */
  function loginToken(req: Request, res: Response): string {
    const existing = cookies.get(req, LOGIN_CSRF);
    if (existing && /^[A-Za-z0-9_-]{43}$/.test(existing)) return existing;
    const fresh = token();
    cookies.set(res, LOGIN_CSRF, fresh, 3600);
    return fresh;
  }

  return { signIn, endSession, current, requireAgent, requireAdmin, requireCsrf, requireLoginCsrf, loginToken };
}

export type ConsoleAuth = ReturnType<typeof consoleAuth>;
