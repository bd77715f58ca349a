import type { Router } from 'express';
import type { Hotline } from '../hotline.js';
import { consoleAuth } from './auth.js';
import type { QueuedCaller } from './board.js';
import { consoleRouter } from './routes.js';
import { deviceKeyFrom } from './trustedDevice.js';

/** The agent console over the hotline's repositories; `queue` replaces where the P1 queue is read from. */
export function createConsole(hotline: Hotline, options: { queue?: () => QueuedCaller[] } = {}): Router {
  const { repos, clock, logger, config } = hotline;
  const auth = consoleAuth({
    agents: repos.agents,
    credentials: repos.credentials,
    sessions: repos.sessions,
    clock,
    publicBaseUrl: config.publicBaseUrl,
    deviceKey: deviceKeyFrom(config.secretKeys.current),
  });
  return consoleRouter({
    ...repos,
    queue: options.queue ?? (() => repos.queue.waiting()),
    clock,
    logger,
    auth,
  });
}
