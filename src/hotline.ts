import type { Logger } from 'pino';
import type { Config } from './config.js';
import { SecretBox } from './crypto/secretBox.js';
import { createSqliteCustomerRepository } from './db/customerRepository.js';
import { openDatabase, type SqliteDb } from './db/database.js';
import { createSqliteVerificationRepository } from './db/verificationRepository.js';
import { systemClock, type Clock } from './domain/clock.js';
import { createCustomerService } from './domain/customers.js';
import { createVerifyCaller } from './domain/verifyCaller.js';

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
  const repos = {
    customers: createSqliteCustomerRepository(db),
    verification: createSqliteVerificationRepository(db),
  };
  const customers = createCustomerService({ ...repos, box, clock, issuer: 'Hotline' });
  const verifyCaller = createVerifyCaller({ ...repos, box, clock, logger });
  return {
    config,
    logger,
    clock,
    repos,
    customers,
    verifyCaller,
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
      if (db.open) db.close();
    },
  };
}

export type Hotline = ReturnType<typeof createHotline>;
