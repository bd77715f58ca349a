import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import type { Agent, AgentRepository } from '../db/agentRepository.js';
import type { CredentialRepository } from '../db/credentialRepository.js';
import type { ConsoleSession, SessionRepository } from '../db/sessionRepository.js';
import type { Clock } from '../domain/clock.js';
import { AppError } from '../domain/errors.js';
import { BUSY, createCheckGate, type CheckLimits } from './checkGate.js';
import { cookieJar } from './cookies.js';
import { decoyPassword, verifyPassword } from './passwords.js';

const MINUTE = 60_000;
/** A session lasts one long shift at most, and ends after half an hour with no console open. */
export const SESSION_MAX_MS = 12 * 60 * MINUTE;
export const SESSION_IDLE_MS = 30 * MINUTE;
/** Activity is written at most once a minute, not on every 3-second refresh. */
const TOUCH_EVERY_MS = MINUTE;
/** Ten wrong passwords in a row pause an agent's sign-in for 15 minutes. */
export const SIGN_IN_LOCK = { after: 10, forMs: 15 * MINUTE };
/**
 * Password checks (about 50 ms of scrypt each, on libuv's thread pool): two at a time, twenty more
 * waiting, and at most two running or waiting for one agent number; others are answered "busy" at once.
 */
export const SIGN_IN_CHECKS: CheckLimits = { running: 2, waiting: 20, perKey: 2 };

const SESSION = 'hotline_session';
const LOGIN_CSRF = 'hotline_login';

const sha256 = (value: string) => createHash('sha256').update(value).digest();
const token = () => randomBytes(32).toString('base64url');

/** Equal strings, compared in constant time (hashed first, so lengths do not leak either). */
export function sameSecret(a: string, b: string): boolean {
  return timingSafeEqual(sha256(a), sha256(b));
}

/** Whether sign-in text is an agent number as the form asks for it (1 to 9 digits). */
export const isAgentNumber = (text: string): boolean => /^[0-9]{1,9}$/.test(text);

/** How a sign-in ended: signed in, refused (any failure, one answer), or not checked because too many are being checked. */
export type SignInResult = { outcome: 'signed-in'; agent: Agent } | { outcome: 'refused' } | { outcome: 'busy' };

export interface SignedIn {
  agent: Agent;
  session: ConsoleSession;
}

/** The signed-in agent of a request that passed requireAgent. */
export const signedIn = (res: Response): SignedIn => res.locals.signedIn as SignedIn;

export interface ConsoleAuthDeps {
  agents: AgentRepository;
  credentials: CredentialRepository;
  sessions: SessionRepository;
  clock: Clock;
  publicBaseUrl: string;
}

/** Sign-in, sessions in SQLite behind an HttpOnly cookie, and the CSRF and origin checks of every form. */
export function consoleAuth(deps: ConsoleAuthDeps) {
  const { agents, credentials, sessions, clock } = deps;
  const secure = deps.publicBaseUrl.startsWith('https://');
  const cookies = cookieJar(secure);
  const publicOrigin = new URL(deps.publicBaseUrl).origin;
  const checks = createCheckGate(SIGN_IN_CHECKS);

  /** Checks an agent number and password; the same answer, in about the same time, for every failure. */
  async function checkPassword(agentIdText: string, password: string): Promise<{ agent: Agent; checkedPassword: Buffer } | null> {
    const agentId = isAgentNumber(agentIdText) ? Number(agentIdText) : NaN;
    const now = clock.now();
    // Counted (and refused while paused) before the hash, not after: a burst of parallel guesses gets
    // no more checks than the same guesses one at a time.
    const lock = { after: SIGN_IN_LOCK.after, until: now + SIGN_IN_LOCK.forMs };
    const stored = Number.isSafeInteger(agentId) ? credentials.countAttempt(agentId, now, lock) : undefined;
    const matches = await verifyPassword(password, stored ?? (await decoyPassword()));
    if (!stored || !matches) return null;
    // The hash took tens of milliseconds: the agent may have been removed, or given a new password
    // (which signs them out), meanwhile. The password just checked counts only if it is still theirs.
    const after = credentials.get(stored.agentId);
    const agent = agents.get(stored.agentId);
    if (!after || !after.hash.equals(stored.hash) || !agent || agent.removedAt !== null) return null;
    credentials.recordSuccess(stored.agentId, clock.now());
    return { agent, checkedPassword: stored.hash };
  }

  /**
   * Checks the password and starts a fresh session (a new id, never one the browser brought) with its
   * cookie. The session is written only if the password checked is still the agent's.
   */
  async function signIn(res: Response, agentIdText: string, password: string): Promise<SignInResult> {
    const perAgent = isAgentNumber(agentIdText) ? String(Number(agentIdText)) : '';
    const checked = await checks.run(perAgent, () => checkPassword(agentIdText, password));
    if (checked === BUSY) return { outcome: 'busy' };
    if (!checked) return { outcome: 'refused' };
    const now = clock.now();
    sessions.purgeExpired(now);
    const id = token();
    const session = {
      agentId: checked.agent.agentId,
      csrfToken: token(),
      createdAt: now,
      lastSeenAt: now,
      expiresAt: Math.min(now + SESSION_IDLE_MS, now + SESSION_MAX_MS),
    };
    if (!sessions.create(sha256(id), session, checked.checkedPassword)) return { outcome: 'refused' };
    cookies.set(res, SESSION, id, SESSION_MAX_MS / 1000);
    cookies.clear(res, LOGIN_CSRF);
    return { outcome: 'signed-in', agent: checked.agent };
  }

  function endSession(req: Request, res: Response): void {
    const id = cookies.get(req, SESSION);
    if (id) sessions.delete(sha256(id));
    cookies.clear(res, SESSION);
  }

  function current(req: Request): SignedIn | undefined {
    const id = cookies.get(req, SESSION);
    if (!id || id.length > 100) return undefined;
    const hash = sha256(id);
    const now = clock.now();
    const session = sessions.find(hash, now);
    if (!session) return undefined;
    const agent = agents.get(session.agentId);
    // Removal ends an agent's sessions; this makes sure no session outlives it however it was made.
    if (!agent || agent.removedAt !== null) return undefined;
    if (now - session.lastSeenAt >= TOUCH_EVERY_MS) {
      const expiresAt = Math.min(now + SESSION_IDLE_MS, session.createdAt + SESSION_MAX_MS);
      sessions.touch(hash, now, expiresAt);
    }
    return { agent, session };
  }

  /** Pages need a signed-in agent: others are sent to sign in (the live feed answers 401). */
  const requireAgent: RequestHandler = (req, res, next) => {
    const who = current(req);
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
