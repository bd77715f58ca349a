import type { Request, RequestHandler, Response } from 'express';
import { AppError } from '../domain/errors.js';
import type { FailureCountRepository } from '../domain/storage/failureCounts.js';

export interface ThrottleOptions {
  /** Delay after the first wrong token; it doubles with each further one. */
  baseDelayMs: number;
  maxDelayMs: number;
  /** Requests one client may have waiting at once; more are refused at once without a token check. */
  maxWaiting: number;
  /** A client's failures are forgotten after this long without one. */
  forgetAfterMs: number;
  /** Clients remembered at most (the oldest is forgotten first), so a flood of addresses cannot grow the table. */
  maxClients: number;
}

export const ADMIN_THROTTLE: ThrottleOptions = {
  baseDelayMs: 100,
  maxDelayMs: 10_000,
  maxWaiting: 8,
  forgetAfterMs: 15 * 60_000,
  maxClients: 10_000,
};

/** Where a client's wrong tokens are counted: in the database every instance shares. */
export interface FailureBook {
  /** Wrong tokens the client presented, not yet forgotten. */
  failures(client: string, now: number): Promise<number>;
  failed(client: string, now: number): Promise<void>;
  /** The client got past the token check: it knows the token. */
  cleared(client: string): Promise<void>;
}

/** Failures in the database: a client alternating between instances is slowed as by one. */
export function storedFailureBook(counts: FailureCountRepository, options: ThrottleOptions): FailureBook {
  const rule = { forgetAfterMs: options.forgetAfterMs, maxRecords: options.maxClients };
  return {
    failures: async (client, now) => (await counts.get('admin-token', client, now, options.forgetAfterMs))?.failures ?? 0,
    failed: async (client, now) => void (await counts.count('admin-token', client, now, rule)),
    cleared: (client) => counts.clear('admin-token', client),
  };
}

/** Behind a proxy every client shares the proxy's address (trust proxy is off). */
const clientOf = (req: Request): string => req.socket.remoteAddress ?? 'unknown';

/**
 * The wait in front of the token check: after n failures each request of the client waits
 * baseDelay * 2^(n-1), capped, before the token is even checked, and only a few may wait at once (in
 * this process: a waiting request holds this process's memory), so guessing in parallel is as slow as
 * guessing in sequence. Calls `check` after the wait with the client's failures before it.
 */
function waitingRoom(options: ThrottleOptions, book: FailureBook) {
  const waiting = new Map<string, number>();
  return async (req: Request, res: Response, refuse: (err: unknown) => void, check: (failures: number) => void): Promise<void> => {
    const client = clientOf(req);
    let failures: number;
    try {
      failures = await book.failures(client, Date.now());
    } catch (err) {
      return refuse(err);
    }
    if (failures === 0) return check(0);
    const held = waiting.get(client) ?? 0;
    if (held >= options.maxWaiting) {
      res.set('Retry-After', String(Math.ceil(options.maxDelayMs / 1000)));
      return refuse(new AppError(429, 'too_many_requests', 'too many requests with a wrong token: wait and retry'));
    }
    const delay = Math.min(options.baseDelayMs * 2 ** (failures - 1), options.maxDelayMs);
    waiting.set(client, held + 1);
    setTimeout(() => {
      const left = (waiting.get(client) ?? 1) - 1;
      if (left === 0) waiting.delete(client);
      else waiting.set(client, left);
      check(failures);
    }, delay);
  };
}

/**
 * The token check `auth` behind the slowdown of wrong tokens: a refusal (401) is counted before it is
 * answered, so the client's next request, at whichever instance, already waits for it; a request that
 * gets past the check (any other answer) clears the client's record.
 */
export function throttledTokenCheck(
  auth: RequestHandler,
  book: FailureBook,
  options: ThrottleOptions = ADMIN_THROTTLE,
  onRefused: () => void = () => {},
): RequestHandler {
  const room = waitingRoom(options, book);
  return (req, res, next) => {
    const client = clientOf(req);
    void room(req, res, next, (failuresBefore) => {
      const settle = async (err?: unknown) => {
        if (err instanceof AppError && err.status === 401) {
          onRefused();
          await book.failed(client, Date.now());
        } else if (failuresBefore > 0) await book.cleared(client);
      };
      void auth(req, res, (err?: unknown) => {
        settle(err).then(
          () => next(err),
          (failure: unknown) => next(failure),
        );
      });
    });
  };
}
