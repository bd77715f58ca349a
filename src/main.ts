import { createServer } from 'node:http';
import { createRequestListener } from './http/app.js';
import { createHotline, secretKeyProblem } from './hotline.js';
import { createLogger } from './logger.js';
import { systemClock } from './domain/clock.js';
import { localModeWelcome } from './localWelcome.js';
import { listenProblem, loadConfigOrFail, openStorageOrFail, startupFailed } from './startupErrors.js';

const config = loadConfigOrFail();
const logger = createLogger(config.logLevel);
// The SQLite file, or PostgreSQL when HOTLINE_DATABASE_URL is set.
const storage = await openStorageOrFail(config, { clock: systemClock, onPoolError: (err) => logger.warn({ code: (err as { code?: string }).code }, 'database connection lost; the next request opens another') });
const hotline = createHotline({ config, logger, ...storage });
// Secrets sealed with a key this configuration lacks: every one of those customers would be refused.
const keyProblem = await secretKeyProblem(hotline);
if (keyProblem) startupFailed(`configuration error: ${keyProblem}`);
// The callback dialer runs beside the webhooks unless HOTLINE_DIALER_IN_SERVER=false (then: npm run worker).
const dialer = config.dialer.inServer ? hotline.callbackDialing.createWorker() : undefined;
const checkpoints = hotline.startBackgroundCheckpoints();
const server = createServer(createRequestListener(hotline));
// Only the listen itself: a port in use or a HOST that does not resolve is one line, not a stack trace.
const cannotListen = (err: Error) => startupFailed(listenProblem(config.host, config.port, err));
server.once('error', cannotListen);
server.listen(config.port, config.host, () => {
  server.off('error', cannotListen);
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : config.port;
  logger.info({ host: config.host, port, publicBaseUrl: config.publicBaseUrl, db: config.database.engine === 'postgres' ? 'postgres' : config.dbPath }, 'hotline listening');
  dialer?.start();
  if (config.localMode) {
    logger.warn(
      { secretsFile: config.localSecretsFile },
      `running in local mode: generated secrets are kept in ${config.localSecretsFile}; set TWILIO_ACCOUNT_SID, TWILIO_AUTH_TOKEN, HOTLINE_SECRET_KEY and HOTLINE_ADMIN_TOKEN for production`,
    );
    // For the person who just typed `npm start`: stdout is JSON for log collectors, so this goes to stderr.
    process.stderr.write(localModeWelcome(config.host, port));
  }
});

/** Past this, connections still busy are cut so the process exits within 10 s (orchestrators kill at 10). */
const DRAIN_MS = 8000;

let stopping = false;
/**
 * Graceful stop: the listening socket closes at once (no new connections), requests in flight get their
 * answers, idle keep-alive connections are closed as they go idle, then the database is checkpointed
 * and closed so the file alone holds every commit.
 */
function shutdown(signal: string) {
  if (stopping) return;
  stopping = true;
  // No new dial round starts; one in flight is finished by its lease and the calls' webhooks.
  const dialerStopped = dialer?.stop();
  logger.info({ signal }, 'shutting down: no new connections, finishing requests in flight');
  const idle = setInterval(() => server.closeIdleConnections(), 50);
  const cut = setTimeout(() => {
    logger.warn({ afterMs: DRAIN_MS }, 'requests still in flight: closing their connections');
    server.closeAllConnections();
  }, DRAIN_MS);
  server.close(async () => {
    clearInterval(idle);
    clearTimeout(cut);
    await dialerStopped; // a dial round in flight still writes to the database
    await checkpoints.stop();
    let code = 0;
    try {
      await hotline.close();
      logger.info('database closed; stopped');
    } catch (err) {
      code = 1;
      logger.error({ err }, 'database did not close cleanly');
    }
    process.exit(code);
  });
  server.closeIdleConnections();
  setTimeout(() => process.exit(1), DRAIN_MS + 1500).unref();
}
process.on('SIGTERM', () => shutdown('SIGTERM'));
process.on('SIGINT', () => shutdown('SIGINT'));
