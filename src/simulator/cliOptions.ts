import { parseArgs } from 'node:util';
import { E164 } from '../domain/customer.js';

export interface CliOptions {
  /** Where the server listens; undefined = the configured public base URL. */
  url: string | undefined;
  /** What signatures cover; undefined = the configured public base URL. */
  publicUrl: string | undefined;
  from: string;
  to: string;
  /** Comma-separated tokens for an unattended call; undefined = interactive. */
  script: string | undefined;
  json: boolean;
  help: boolean;
}

export const USAGE = `Usage: npm run call -- [options]

Places a simulated call against a running hotline server, as Twilio would.

  --url <url>         where the server listens (default: PUBLIC_BASE_URL or http://localhost:PORT)
  --public-url <url>  the URL signatures are computed over (default: PUBLIC_BASE_URL or
                      http://localhost:PORT, as the server checks them)
  --from <number>     the caller, E.164 or "anonymous" (default +15555550100)
  --to <number>       the dialed number (default +15555550199)
  --script <tokens>   run unattended: comma-separated tokens, one per Gather, e.g. "<id>#,CODE,1"
                      CODE       the customer's current dashboard code (ID from the earlier "<id>#")
                      silence    an empty Gather ('' works too)
                      agent:accept | agent:no-key | agent:no-answer   how the next rung agent answers
                      queue:bridged | queue:hangup                    the end of a queued wait
                      hangup:<text>  a recording after which the caller hangs up
  --json              print the transcript as JSON instead of lines
  --help              show this help

Exit code 0 when the call ended normally, 1 on an error.`;

/** Parses the command line; throws with a readable message on an unknown or malformed option. */
export function parseCliOptions(argv: readonly string[]): CliOptions {
  const { values } = parseArgs({
    args: [...argv],
    options: {
      url: { type: 'string' },
      'public-url': { type: 'string' },
      from: { type: 'string', default: '+15555550100' },
      to: { type: 'string', default: '+15555550199' },
      script: { type: 'string' },
      json: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
    strict: true,
    allowPositionals: false,
  });
  for (const name of ['url', 'public-url'] as const) {
    const value = values[name];
    if (value !== undefined && !/^https?:\/\/[^/]/.test(value)) throw new Error(`--${name} must be an http(s) URL`);
  }
  if (values.from !== 'anonymous' && !E164.test(values.from)) {
    throw new Error('--from must be an E.164 number such as +15555550100, or "anonymous"');
  }
  if (!E164.test(values.to)) throw new Error('--to must be an E.164 number such as +15555550199');
  return {
    url: values.url,
    publicUrl: values['public-url'],
    from: values.from,
    to: values.to,
    script: values.script,
    json: values.json,
    help: values.help,
  };
}
