import { ConfigError } from '../config.js';
import { AppError } from '../domain/errors.js';
import { agentsCommand } from './agents.js';
import { apiKeysCommand } from './apiKeys.js';
import { authenticatorCommand } from './authenticator.js';
import { callbacksCommand } from './callbacks.js';
import { callsCommand } from './calls.js';
import { dispatch, UsageError, type Command } from './command.js';
import { createCliContext } from './context.js';
import { customersCommand } from './customers.js';
import { dbCommand } from './db.js';
import { demoCommand } from './demo.js';
import { keysCommand } from './keys.js';
import { numbersCommand } from './numbers.js';
import { tokenCommand } from './token.js';
import { unlockCommand } from './unlock.js';

/** Every top-level command; one file per command group under src/cli/. */
const COMMANDS: Record<string, Command> = {
  customers: customersCommand,
  agents: agentsCommand,
  'api-keys': apiKeysCommand,
  callbacks: callbacksCommand,
  numbers: numbersCommand,
  calls: callsCommand,
  token: tokenCommand,
  authenticator: authenticatorCommand,
  unlock: unlockCommand,
  keys: keysCommand,
  db: dbCommand,
  demo: demoCommand,
};

const USAGE = [
  'usage: hotline <command> [options] [--json]',
  '',
  'The operator CLI of the emergency hotline. Every command takes --json for one JSON document on',
  'stdout. Configuration comes from the same variables as the server (see README, "Configuration").',
  '',
  ...Object.entries(COMMANDS).map(([name, cmd]) => `  ${name.padEnd(15)}${cmd.summary}`),
  '',
  'Run "hotline <command> --help" for a command\'s options.',
].join('\n');

/** Flag names the operator typed, for errors the service reports by field name. */
const FLAG_OF_FIELD: Record<string, string> = {
  customerId: '--id',
  name: '--name',
  plan: '--plan',
  tier: '--tier',
  status: '--status',
  phone: '--phone',
  duty: '--duty',
  languages: '--languages',
  scope: '--scope',
};

/** Runs the CLI and returns the exit code: 0 done, 1 the command failed, 2 the command line is wrong. */
export async function runCli(argv: string[]): Promise<number> {
  const ctx = createCliContext({ env: process.env, stdout: process.stdout, stderr: process.stderr, interrupted: onCtrlC });
  try {
    await dispatch(COMMANDS, argv, ctx, { usage: USAGE, prefix: '' });
    return 0;
  } catch (err) {
    if (err instanceof UsageError) {
      process.stderr.write(`hotline: ${err.message} (see ${err.helpCommand})\n`);
      return 2;
    }
    process.stderr.write(`hotline: ${describeError(err)}\n`);
    return 1;
  } finally {
    await ctx.close();
  }
}

/**
 * Only a live command asks to be told of Ctrl-C: it then ends cleanly (restoring the cursor), and a
 * second Ctrl-C falls back to Node's default exit. Other commands keep the default.
 */
function onCtrlC(): AbortSignal {
  const interrupt = new AbortController();
  process.once('SIGINT', () => interrupt.abort());
  return interrupt.signal;
}

function describeError(err: unknown): string {
  if (err instanceof ConfigError) return `configuration error: ${err.message}`;
  if (err instanceof AppError) {
    const flag = err.field && FLAG_OF_FIELD[err.field];
    return flag && err.message.startsWith(`${err.field}:`) ? `${flag}${err.message.slice(err.field!.length)}` : err.message;
  }
  // Anything else (a database that cannot be opened, a bug) still gets one line, not a stack trace.
  return err instanceof Error ? err.message.split('\n')[0]! : String(err);
}

process.exitCode = await runCli(process.argv.slice(2));
