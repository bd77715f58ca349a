import fc from 'fast-check';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseTwiml, type TwimlNode } from '../../../src/simulator/twiml.js';

/**
 * fast-check settings for every fuzz property. A failure prints the counterexample with its `seed`
 * and `path`; replay exactly that run with
 *   FC_SEED=<seed> FC_PATH=<path> npx vitest run test/fuzz
 * and search longer with FC_NUM_RUNS=5000 (the default keeps `npm test` to a few seconds).
 */
export function fuzzParameters(defaultRuns: number): fc.Parameters<unknown> {
  const seed = process.env.FC_SEED;
  const path = process.env.FC_PATH;
  return {
    numRuns: Number(process.env.FC_NUM_RUNS ?? defaultRuns),
    ...(seed !== undefined && seed !== '' && { seed: Number(seed) }),
    ...(path !== undefined && path !== '' && { path }),
    // Shrinking replays requests against a server whose state moved on; a short, honest report beats a long one.
    endOnFailure: true,
    interruptAfterTimeLimit: 60_000,
  };
}

/**
 * A directory for the fuzzed server's database in memory (/dev/shm) when there is one: the fuzz tests
 * what the server does with its input, not the disk, and a synchronous=FULL commit per request on a
 * real disk would cost most of the time budget.
 */
export function fastTempDir(): string {
  return mkdtempSync(join(existsSync('/dev/shm') ? '/dev/shm' : tmpdir(), 'hotline-fuzz-'));
}

/** Long enough for FC_NUM_RUNS in the thousands; fast-check itself stops after a minute. */
export const FUZZ_TIMEOUT_MS = 90_000;

/** Every unhandled rejection in this process while a suite runs (the server runs in-process). */
export function recordUnhandledRejections(): { reasons: unknown[]; stop(): void } {
  const reasons: unknown[] = [];
  const listener = (reason: unknown) => reasons.push(reason);
  process.on('unhandledRejection', listener);
  return { reasons, stop: () => void process.off('unhandledRejection', listener) };
}

/** The verbs and nouns this line may answer with; anything else would be a Twilio error 12100-ish surprise. */
const TWIML_NAMES = new Set([
  'Response', 'Say', 'Play', 'Pause', 'Gather', 'Dial', 'Number', 'Queue', 'Record', 'Redirect',
  'Hangup', 'Reject', 'Enqueue', 'Leave',
]);

/** Parses a body as TwiML (well-formed XML, root <Response>, known elements); throws with the reason. */
export function assertTwiml(body: string): TwimlNode {
  const root = parseTwiml(body);
  const visit = (node: TwimlNode, inSay: boolean) => {
    // SSML inside <Say> is free-form; everything else must be a TwiML verb or noun.
    if (!inSay && !TWIML_NAMES.has(node.name)) throw new Error(`unexpected TwiML element <${node.name}> in ${body}`);
    for (const child of node.children) visit(child, inSay || node.name === 'Say');
  };
  visit(root, false);
  return root;
}

/** Unicode text that survives form encoding unchanged (whole graphemes, no lone surrogates). */
export const text = (maxLength: number) => fc.string({ unit: 'grapheme', maxLength });

/** Values an attacker or a broken carrier might send for any parameter. */
export const anyValue = fc.oneof(
  { weight: 4, arbitrary: text(40) },
  { weight: 2, arbitrary: fc.stringMatching(/^[0-9*#]{0,40}$/) },
  { weight: 1, arbitrary: fc.constantFrom('', ' ', '0', '-1', 'null', 'undefined', 'NaN', '1e309', '<Response/>', ']]>', '&amp;', '%00', '\u0000', '\u202e', '🙂🙂', 'ｱｲｳ') },
  { weight: 1, arbitrary: fc.string({ unit: 'grapheme', minLength: 500, maxLength: 4000 }) },
);
