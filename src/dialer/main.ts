/**
 * The callback dialer alone (`npm run worker`), for running it apart from the web server
 * (HOTLINE_DIALER_IN_SERVER=false there). It needs the same database and configuration; the calls'
 * webhooks still go to the server at PUBLIC_BASE_URL.
 */
import { createHotline } from '../hotline.js';
import { createLogger } from '../logger.js';
import { systemClock } from '../domain/clock.js';
import { loadConfigOrFail, openStorageOrFail } from '../startupErrors.js';

const config = loadConfigOrFail('hotline worker');
const logger = createLogger(config.logLevel).child({ component: 'dialer' });
const storage = await openStorageOrFail(config, { program: 'hotline worker', clock: systemClock, onPoolError: (err) => logger.warn({ code: (err as { code?: string }).code }, 'database connection lost; the next request opens another') });
// The dialer never opens a customer's secret, so it does not need their key (the server checks it).
const hotline = createHotline({ config, logger, ...storage });
const dialer = hotline.callbackDialing.createWorker();
dialer.start();

let stopping = false;
async function shutdown(signal: string) {
  if (stopping) return;
  stopping = true;
  logger.info({ signal }, 'callback dialer stopping');
  setTimeout(() => process.exit(1), 10_000).unref();
  await dialer.stop();
  await hotline.callbackDialing.confirmations.idle();
  await hotline.close();
  process.exit(0);
}
process.on('SIGTERM', () => void shutdown('SIGTERM'));
process.on('SIGINT', () => void shutdown('SIGINT'));
