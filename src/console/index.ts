import type { Router } from 'express';
import type { Hotline } from '../hotline.js';
import { consoleAuth } from './auth.js';
import type { QueuedCaller } from './board.js';
import { consoleRouter } from './routes.js';
import { deviceKeyFrom } from './trustedDevice.js';

/** The agent console over the hotline's store; `queue` replaces where the P1 queue is read from. */
export function createConsole(hotline: Hotline, options: { queue?: () => Promise<QueuedCaller[]> } = {}): Router {
  const { store, clock, logger, config } = hotline;
  const auth = consoleAuth({
    store,
    clock,
    publicBaseUrl: config.publicBaseUrl,
    deviceKey: deviceKeyFrom(config.secretKeys.current),
  });
  return consoleRouter({
    store,
    queue: options.queue ?? (() => store.queue.waiting()),
    clock,
    logger,
    auth,
    twilio: { accountSid: config.twilio.accountSid, authToken: config.twilio.authToken, apiUrl: config.twilio.apiUrl },
  });
}
