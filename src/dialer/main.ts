/**
 * The callback dialer alone (`npm run worker`), for running it apart from the web server
 * (HOTLINE_DIALER_IN_SERVER=false there). It needs the same database and configuration; the calls'
 * webhooks still go to the server at PUBLIC_BASE_URL.
 */
import { ConfigError, loadConfig } from '../config.js';
import { openDatabase } from '../db/database.js';
import { createHotline } from '../hotline.js';
import { createLogger } from '../logger.js';
import { databaseProblem } from '../startupErrors.js';

let config;
try {
  config = loadConfig(process.env);
} catch (err) {
  if (err instanceof ConfigError) {
    console.error(`hotline worker: configuration error: ${err.message}`);
    process.exit(1);
  }
  throw err;
}

/** Ends start-up with one line on stderr and exit code 1, as the server does. */
function startupFailed(line: string): never {
  console.error(`hotline worker: ${line}`);
  process.exit(1);
}

const logger = createLogger(config.logLevel).child({ component: 'dialer' });
let db;
try {
  db = openDatabase(config.dbPath, { busyTimeoutMs: config.dbBusyTimeoutMs });
} catch (err) {
  startupFailed(databaseProblem(config.dbPath, err));
}
// The dialer never opens a customer's secret, so it does not need their key (the server checks it).
const hotline = createHotline({ config, logger, db });
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
  hotline.close();
  process.exit(0);
}
process.on('SIGTERM', () => void shutdown('SIGTERM'));
process.on('SIGINT', () => void shutdown('SIGINT'));
