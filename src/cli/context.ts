import pino from 'pino';
import { ConfigError, loadConfig, sqliteFileOf, type Config } from '../config.js';
import { systemClock } from '../domain/clock.js';
import { createHotline, secretKeyProblem, type Hotline } from '../hotline.js';
import { createLogger } from '../logger.js';
import { openStorage } from '../startupErrors.js';
import type { CliContext } from './command.js';

type Env = Record<string, string | undefined>;

/**
 * The context every command runs in. The database is opened only when a command needs it, so
 * `--help` and usage errors work without configuration. It is the engine the server would use: the
 * SQLite file HOTLINE_DB, or PostgreSQL when HOTLINE_DATABASE_URL is set. Logs go to stderr: stdout is
 * the command's output.
 */
export function createCliContext(io: {
  env: Env;
  stdout: CliContext['stdout'];
  stderr: CliContext['stderr'];
  interrupted: () => AbortSignal;
}): CliContext & { close(): Promise<void> } {
  const opened: Hotline[] = [];
  let shared: Hotline | undefined;
  const context = {
    stdout: io.stdout,
    stderr: io.stderr,
    interrupted: io.interrupted,
    loadConfig: () => loadConfig(io.env),
    sqliteFile: () => sqliteFileOf(io.env),
    async open(config: Config): Promise<Hotline> {
      const logger = createLogger(config.logLevel, pino.destination({ dest: 2, sync: true }));
      // A StorageError's one line (password masked) is what the operator sees.
      const storage = await openStorage(config, {
        clock: systemClock,
        onPoolError: (err) => logger.warn({ code: (err as { code?: string }).code }, 'database connection lost; the next command opens another'),
      });
      const hotline = createHotline({ config, logger, ...storage });
      opened.push(hotline);
      return hotline;
    },
    async hotline(): Promise<Hotline> {
      if (!shared) {
        const opened = await context.open(context.loadConfig());
        // A command run with the wrong key (or none, in local mode) would seal new secrets with it.
        const problem = await secretKeyProblem(opened);
        if (problem) throw new ConfigError(problem);
        shared = opened;
      }
      return shared;
    },
    async close(): Promise<void> {
      for (const hotline of opened.splice(0)) await hotline.close();
    },
  };
  return context;
}
