import { ConfigError, loadConfig } from './config.js';
import { createApp } from './http/app.js';
import { createHotline } from './hotline.js';
import { createLogger } from './logger.js';

let config;
try {
  config = loadConfig(process.env);
} catch (err) {
  if (err instanceof ConfigError) {
    console.error(`hotline: configuration error: ${err.message}`);
    process.exit(1);
  }
  throw err;
}

const logger = createLogger(config.logLevel);
const hotline = createHotline({ config, logger });
// The callback dialer runs beside the webhooks unless HOTLINE_DIALER_IN_SERVER=false (then: npm run worker).
const dialer = config.dialer.inServer ? hotline.callbackDialing.createWorker() : undefined;
const server = createApp(hotline).listen(config.port, config.host, () => {
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : config.port;
  logger.info({ port, publicBaseUrl: config.publicBaseUrl, db: config.dbPath }, 'hotline listening');
  dialer?.start();
  if (config.localMode) {
    logger.warn(
      { secretsFile: config.localSecretsFile },
      `running in local mode: generated secrets are kept in ${config.localSecretsFile}; set TWILIO_ACCOUNT_SID, TWILIO_AUTH_TOKEN, HOTLINE_SECRET_KEY and HOTLINE_ADMIN_TOKEN for production`,
    );
  }
});

function shutdown(signal: string) {
  // No new dial round starts; one in flight is finished by its lease and the calls' webhooks.
  void dialer?.stop();
  logger.info({ signal }, 'shutting down');
  server.close(() => {
    hotline.close();
    process.exit(0);
  });
  server.closeIdleConnections();
  setTimeout(() => process.exit(1), 9000).unref();
}
process.on('SIGTERM', () => shutdown('SIGTERM'));
process.on('SIGINT', () => shutdown('SIGINT'));
