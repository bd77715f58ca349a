// `npm run call`: places one simulated call against a running server and prints what happens.
import { createInterface } from 'node:readline';
import { ConfigError, loadConfig } from '../config.js';
import { parseCliOptions, USAGE, type CliOptions } from './cliOptions.js';
import { scripted, type InputProvider } from './input.js';
import { interactive } from './interactive.js';
import { describeEvent } from './printer.js';
import { dashboardCodeFetcher, parseScript } from './scriptTokens.js';
import type { CallEvent, Transcript } from './transcript.js';
import { CallWalker } from './walker.js';

async function main(argv: readonly string[]): Promise<number> {
  let options: CliOptions;
  try {
    options = parseCliOptions(argv);
  } catch (err) {
    console.error(`${(err as Error).message}\n\n${USAGE}`);
    return 1;
  }
  if (options.help) {
    console.log(USAGE);
    return 0;
  }
  // The same loader as the server, so the signing token and public URL match what it checks.
  const config = loadConfig();
  const baseUrl = options.url ?? config.publicBaseUrl;
  const publicBaseUrl = options.publicUrl ?? config.publicBaseUrl;

  const rl = options.script === undefined ? createInterface({ input: process.stdin, output: process.stdout }) : undefined;
  let input: InputProvider;
  try {
    input = rl ? interactive(rl) : scripted(parseScript(options.script!, dashboardCodeFetcher(baseUrl, config.adminToken)));
  } catch (err) {
    console.error((err as Error).message);
    return 1;
  }
  const print = (event: CallEvent) => {
    const line = describeEvent(event);
    if (line !== undefined) console.log(line);
  };
  if (!options.json) console.log(`calling ${options.to} from ${options.from} at ${baseUrl}`);
  const walker = new CallWalker({
    baseUrl,
    publicBaseUrl,
    authToken: config.twilio.authToken,
    accountSid: config.twilio.accountSid,
    from: options.from,
    to: options.to,
    input,
    ...(!options.json && { onEvent: print }),
  });
  let transcript: Transcript;
  try {
    transcript = await walker.walk();
  } finally {
    rl?.close();
  }
  if (options.json) {
    const { events, requests } = transcript;
    console.log(JSON.stringify({ callSid: walker.callSid, ok: transcript.ok, endReason: transcript.endReason, events, requests }, null, 2));
  }
  return transcript.ok ? 0 : 1;
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    console.error(err instanceof ConfigError ? err.message : err);
    process.exitCode = 1;
  },
);
