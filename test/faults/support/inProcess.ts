import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { rmSync } from 'node:fs';
import type { Config } from '../../../src/config.js';
import { openDatabase, type SqliteDb } from '../../../src/db/database.js';
import { ManualClock } from '../../../src/domain/clock.js';
import { createRequestListener } from '../../../src/http/app.js';
import { createHotline, type Hotline } from '../../../src/hotline.js';
import { createLogger } from '../../../src/logger.js';
import { LogCapture, TEST_AUTH_TOKEN, tempDir, testConfig } from '../../support/harness.js';
import type { Target } from './webhooks.js';

export const BACKUP = '+15555550123';

export interface FaultServer extends Target {
  config: Config;
  hotline: Hotline;
  /** The server's own database connection, so a test can take it away. */
  db: SqliteDb;
  logs: LogCapture;
  close(): Promise<void>;
}

/**
 * The real app in this process, like the shared harness, but with the database handle in the test's
 * hands and a short busy timeout from the configuration (HOTLINE_DB_BUSY_TIMEOUT_MS), so a lock held
 * elsewhere fails a write in 100 ms rather than 5 s.
 */
export async function startFaultServer(env: Record<string, string> = {}): Promise<FaultServer> {
  const dir = tempDir();
  const server: Server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const config: Config = {
    ...testConfig(dir, { HOTLINE_BACKUP_NUMBER: BACKUP, HOTLINE_DB_BUSY_TIMEOUT_MS: '100', ...env }),
    publicBaseUrl: url,
  };
  const logs = new LogCapture();
  const db = openDatabase(config.dbPath, { busyTimeoutMs: config.dbBusyTimeoutMs });
  const hotline = createHotline({ config, logger: createLogger('debug', logs), clock: new ManualClock(Date.UTC(2026, 10, 23, 12)), db });
  server.on('request', createRequestListener(hotline));
  return {
    url,
    publicBaseUrl: url,
    authToken: TEST_AUTH_TOKEN,
    config,
    hotline,
    db,
    logs,
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await hotline.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
