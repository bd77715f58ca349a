import type { Logger } from 'pino';
import type { Config } from './config.js';
import { SecretBox } from './crypto/secretBox.js';
import { createSqliteAgentRepository } from './db/agentRepository.js';
import { createSqliteCallbackRepository } from './db/callbackRepository.js';
import { createSqliteCallRepository } from './db/callRepository.js';
import { createSqliteCustomerRepository } from './db/customerRepository.js';
import { openDatabase, type SqliteDb } from './db/database.js';
import { createSqliteNumberRepository } from './db/numberRepository.js';
import { createSqliteVerificationRepository } from './db/verificationRepository.js';
import { systemClock, type Clock } from './domain/clock.js';
import { createCustomerService } from './domain/customers.js';
import { createVerifyCaller } from './domain/verifyCaller.js';
import { createFlowEngine } from './voice/engine.js';
import { StatusPage } from './voice/statusPage.js';
import { emergencyFlow } from '../voice-flows/emergency.js';

/** Everything the HTTP server, the CLI and the workers share: repositories and domain services over one database. */
export function createHotline({
  config,
  logger,
  clock = systemClock,
  db = openDatabase(config.dbPath),
}: {
  config: Config;
  logger: Logger;
  clock?: Clock;
  db?: SqliteDb;
}) {
  const box = new SecretBox(config.secretKeys);
  const agents = createSqliteAgentRepository(db);
  const callbacks = createSqliteCallbackRepository(db);
  const repos = {
    customers: createSqliteCustomerRepository(db),
    verification: createSqliteVerificationRepository(db),
    agents,
    callbacks,
    calls: createSqliteCallRepository(db, { agents, callbacks }),
    numbers: createSqliteNumberRepository(db),
  };
  const customers = createCustomerService({ ...repos, box, clock, issuer: 'Hotline' });
  const verifyCaller = createVerifyCaller({ ...repos, box, clock, logger });
  const statusPage = new StatusPage(config.statusUrl, logger);
  const engine = createFlowEngine(emergencyFlow, {
    ...repos,
    verifyCaller,
    clock,
    logger,
    incidents: () => statusPage.unresolved(),
    urls: {
      step: (step) => `${config.publicBaseUrl}/voice/step?step=${step}`,
      whisper: (callSid, agentId) => `${config.publicBaseUrl}/voice/whisper?call=${callSid}&agent=${agentId}`,
    },
  });
  return {
    config,
    logger,
    clock,
    repos,
    customers,
    verifyCaller,
    statusPage,
    engine,
    /** True when the database answers a query. */
    ready(): boolean {
      try {
        db.prepare('SELECT 1').get();
        return true;
      } catch {
        return false;
      }
    },
    close(): void {
      statusPage.stop();
      if (db.open) db.close();
    },
  };
}

export type Hotline = ReturnType<typeof createHotline>;
