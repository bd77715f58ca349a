import { parseArgs } from 'node:util';
import type { Config } from '../config.js';
import type { Hotline } from '../hotline.js';

/** The command line could not be understood; exits with code 2 and points at the command's help. */
export class UsageError extends Error {
  constructor(
    message: string,
    readonly helpCommand = 'hotline --help',
  ) {
    super(message);
  }
}

/** What a command may touch: the terminal, the environment, and the service over the configured database. */
export interface CliContext {
  stdout: NodeJS.WritableStream & { isTTY?: boolean };
  stderr: NodeJS.WritableStream;
  /** The service over the configured database, opened (and its keys checked) on first use. */
  hotline(): Promise<Hotline>;
  /** The SQLite file HOTLINE_DB names, without reading (or generating) anything else. */
  sqliteFile(): string;
  /** Reads the configuration afresh (key rotation re-reads it after changing the local secrets file). */
  loadConfig(): Config;
  /** Opens a service for a given configuration; it is closed when the command ends. */
  open(config: Config): Promise<Hotline>;
  /** From now on, Ctrl-C aborts the returned signal instead of ending the process (for live output). */
  interrupted(): AbortSignal;
}

export interface Command {
  /** One line for the list of commands. */
  summary: string;
  /** The full usage text, shown by --help. */
  usage: string;
  /** Runs with the arguments after the command's name. */
  run(args: string[], ctx: CliContext): Promise<void>;
  /** True for a command that dispatches to subcommands (they print their own help). */
  group?: boolean;
}

type OptionSpec = Record<string, { type: 'string' | 'boolean'; multiple?: boolean }>;

export interface ParsedArgs {
  positionals: string[];
  json: boolean;
  /** The string value of an option, if given. */
  string(name: string): string | undefined;
  /** Every value of an option that may be repeated (`multiple`), in the order typed. */
  strings(name: string): string[];
}

/**
 * Parses a command's arguments with node:util parseArgs: `--json` is accepted everywhere, unknown
 * options and a wrong number of positionals are usage errors.
 */
export function readArgs(
  args: string[],
  spec: { options?: OptionSpec; positionals: string[]; command: string },
): ParsedArgs {
  const help = `hotline ${spec.command} --help`;
  let parsed;
  try {
    parsed = parseArgs({
      args,
      options: { ...spec.options, json: { type: 'boolean' } },
      allowPositionals: true,
      strict: true,
    });
  } catch (err) {
    throw new UsageError(firstLine((err as Error).message), help);
  }
  const { positionals, values } = parsed;
  if (positionals.length < spec.positionals.length) {
    throw new UsageError(`missing ${spec.positionals.slice(positionals.length).join(' ')}`, help);
  }
  if (positionals.length > spec.positionals.length) {
    throw new UsageError(`unexpected argument "${positionals[spec.positionals.length]}"`, help);
  }
  const record = values as Record<string, string | boolean | string[] | undefined>;
  return {
    positionals,
    json: record.json === true,
    string: (name) => (typeof record[name] === 'string' ? (record[name] as string) : undefined),
    strings: (name) => {
      const value = record[name];
      return Array.isArray(value) ? value : typeof value === 'string' ? [value] : [];
    },
  };
}

/** A command made of subcommands, such as `customers add`. */
export function commandGroup(name: string, summary: string, subcommands: Record<string, Command>): Command {
  const usage = [
    `usage: hotline ${name} <command> [--json]`,
    '',
    ...Object.entries(subcommands).map(([sub, cmd]) => `  ${`${name} ${sub}`.padEnd(26)}${cmd.summary}`),
  ].join('\n');
  return {
    summary,
    usage,
    group: true,
    run: (args, ctx) => dispatch(subcommands, args, ctx, { usage, prefix: name }),
  };
}

/** Runs the named command of a table; `--help` on a command prints its usage. */
export async function dispatch(
  table: Record<string, Command>,
  args: string[],
  ctx: CliContext,
  { usage, prefix }: { usage: string; prefix: string },
): Promise<void> {
  const [name, ...rest] = args;
  const help = prefix ? `hotline ${prefix} --help` : 'hotline --help';
  if (name === '--help' || name === '-h' || name === 'help') {
    ctx.stdout.write(`${usage}\n`);
    return;
  }
  if (name === undefined) {
    // A bare `hotline` or `hotline customers` is a request for the menu, shown where errors go.
    ctx.stderr.write(`${usage}\n`);
    throw new UsageError('missing command', help);
  }
  const command = Object.hasOwn(table, name) ? table[name] : undefined;
  if (!command) throw new UsageError(`unknown command "${[prefix, name].filter(Boolean).join(' ')}"`, help);
  if (!command.group && (rest.includes('--help') || rest.includes('-h'))) {
    ctx.stdout.write(`${command.usage}\n`);
    return;
  }
  await command.run(rest, ctx);
}

/** Writes the result: one JSON document with --json, readable text otherwise. */
export function emit(ctx: CliContext, json: boolean, data: unknown, text: () => string): void {
  ctx.stdout.write(json ? `${JSON.stringify(data, null, 2)}\n` : `${text()}\n`);
}

/** parseArgs explains at length how to pass a positional that starts with "-"; the option's name is enough. */
function firstLine(message: string): string {
  const unknown = /^Unknown option '([^']+)'/.exec(message);
  if (unknown) return `unknown option "${unknown[1]}"`;
  return message.split('\n')[0]!.trim();
}
