import type { RequestHandler } from 'express';
import { AppError } from '../domain/errors.js';

export interface ThrottleOptions {
  /** Delay after the first wrong token; it doubles with each further one. */
  baseDelayMs: number;
  maxDelayMs: number;
  /** Requests one client may have waiting at once; more are refused at once without a token check. */
  maxWaiting: number;
  /** A client's failures are forgotten after this long without one. */
  forgetAfterMs: number;
  /** Clients remembered at most (the oldest is forgotten first), so a flood of addresses cannot grow memory. */
  maxClients: number;
}

export const ADMIN_THROTTLE: ThrottleOptions = {
  baseDelayMs: 100,
  maxDelayMs: 10_000,
  maxWaiting: 8,
  forgetAfterMs: 15 * 60_000,
  maxClients: 10_000,
};

interface Client {
  failures: number;
  lastFailureAt: number;
  waiting: number;
}

/**
 * Slows down a client (by IP address) that keeps presenting wrong admin tokens: after n failures each
 * of its requests waits baseDelay * 2^(n-1), capped, before the token is even checked, and only a few
 * may wait at once - so guessing in parallel is as slow as guessing in sequence. A request that gets
 * past the token check clears the client's record. Placed in front of the token check; in memory,
 * per process. Behind a proxy every client shares the proxy's address (trust proxy is off).
 */
export function slowDownWrongTokens(
  options: ThrottleOptions = ADMIN_THROTTLE,
  onRefused: () => void = () => {},
): RequestHandler {
  const clients = new Map<string, Client>();

  const clientFor = (key: string, now: number): Client | undefined => {
    const client = clients.get(key);
    if (client && client.waiting === 0 && now - client.lastFailureAt > options.forgetAfterMs) {
      clients.delete(key);
      return undefined;
    }
    return client;
  };

  return (req, res, next) => {
    const key = req.socket.remoteAddress ?? 'unknown';
    const now = Date.now();
    const client = clientFor(key, now);
    res.once('finish', () => {
      if (res.statusCode === 401) {
        onRefused();
        const failed = clients.get(key) ?? { failures: 0, lastFailureAt: 0, waiting: 0 };
        failed.failures += 1;
        failed.lastFailureAt = Date.now();
        clients.delete(key); // re-inserted last: the map's order is least recently failed first
        clients.set(key, failed);
        if (clients.size > options.maxClients) clients.delete(clients.keys().next().value!);
      } else if (res.statusCode !== 429) {
        // Anything but 401 got past the token check: the client knows the token.
        const known = clients.get(key);
        if (known) known.failures = 0;
        if (known?.waiting === 0) clients.delete(key);
      }
    });
    if (!client || client.failures === 0) return next();
    if (client.waiting >= options.maxWaiting) {
      res.set('Retry-After', String(Math.ceil(options.maxDelayMs / 1000)));
      return next(new AppError(429, 'too_many_requests', 'too many requests with a wrong token: wait and retry'));
    }
    const delay = Math.min(options.baseDelayMs * 2 ** (client.failures - 1), options.maxDelayMs);
    client.waiting += 1;
    setTimeout(() => {
      client.waiting -= 1;
      next();
    }, delay);
  };
}
