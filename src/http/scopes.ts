import type { RequestHandler, Response } from 'express';
import { grants, type Caller, type ScopeNeeded } from '../domain/apiKeys.js';
import { AppError } from '../domain/errors.js';

/**
 * The routes a dashboard key may use, for any customer: the one-time code, the authenticator's
 * enrollment, confirmation and removal, and panel sessions. Matched as Express matches routes
 * (case-insensitive, an optional trailing slash, a parameter is one path segment), on the path under /api.
 */
const DASHBOARD_ROUTES: ReadonlyArray<readonly [method: string, path: RegExp]> = [
  ['GET', /^\/customers\/[^/]+\/one-time-token\/?$/i],
  ['POST', /^\/customers\/[^/]+\/authenticator\/?$/i],
  ['POST', /^\/customers\/[^/]+\/authenticator\/confirm\/?$/i],
  ['DELETE', /^\/customers\/[^/]+\/authenticator\/?$/i],
  ['POST', /^\/customers\/[^/]+\/panel-sessions\/?$/i],
];

/**
 * The scope a request needs: the dashboard's routes need dashboard, any other read (GET or HEAD)
 * needs read, and everything else admin. A route added later needs admin or read until listed here.
 */
export function scopeNeeded(method: string, path: string): ScopeNeeded {
  const asGet = method === 'HEAD' ? 'GET' : method;
  if (DASHBOARD_ROUTES.some(([m, p]) => m === asGet && p.test(path))) return 'dashboard';
  return asGet === 'GET' ? 'read' : 'admin';
}

/** The 403 for a key whose scope does not reach a route: it says which scope the route needs. */
export function scopeRefusal(scope: string, needed: ScopeNeeded): AppError {
  return new AppError(403, 'forbidden', `this API key has the ${scope} scope; this route needs the ${needed} scope`, undefined, {
    requiredScope: needed,
  });
}

/** Who is calling, as the admin authentication recorded it. */
export const callerOf = (res: Response): Caller => res.locals.caller as Caller;

/**
 * A second lock on a route for one scope, in front of its handler: the authentication already
 * refused keys without it, and this holds even if the two ever disagree on a path.
 */
export function onlyFor(needed: ScopeNeeded): RequestHandler {
  return (_req, res, next) => {
    const caller = callerOf(res);
    if (caller?.kind === 'admin-token' || (caller?.kind === 'api-key' && grants(caller.key.scope, needed))) return next();
    next(caller?.kind === 'api-key' ? scopeRefusal(caller.key.scope, needed) : new AppError(401, 'unauthorized', 'a valid admin bearer token is required'));
  };
}
