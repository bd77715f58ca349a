import type { AgentAnswer, Leg } from './transcript.js';

type Awaitable<T> = T | Promise<T>;

/** A <Gather> waiting for keys on the caller's phone. */
export interface GatherPrompt {
  leg: Leg;
  /** 'queue' while the caller waits in an <Enqueue> wait document. */
  where: 'call' | 'queue';
  numDigits: number | undefined;
  finishOnKey: string;
}

/** A <Number> ringing; `url` is the whisper URL as written, if any. */
export interface Ring {
  number: string;
  url: string | undefined;
}

/** What the caller says at a <Record>: `text` stands for the audio ('' = silence). */
export interface RecordingInput {
  text: string;
  /** True when the caller hangs up to end the recording instead of pressing a key. */
  hangup: boolean;
}

/** Whether an agent picks up a queued call, or the caller gives up and hangs up. */
export type QueueOutcome = 'bridged' | 'hangup';

/** Plays the humans on the call: the caller's keys and voice, and how agents answer. */
export interface InputProvider {
  /** Keys typed at a Gather, e.g. '1234#'; '' is silence (the Gather times out). */
  digits(prompt: GatherPrompt): Awaitable<string>;
  /** How the agent at this number answers. */
  agentAnswer(ring: Ring): Awaitable<AgentAnswer>;
  recording(): Awaitable<RecordingInput>;
  queueOutcome(queue: string): Awaitable<QueueOutcome>;
}

/** A script token: literal text, or a function producing it when it is consumed (e.g. a live code). */
export type ScriptToken = string | (() => Awaitable<string>);

const AGENT_ANSWERS: readonly AgentAnswer[] = ['accept', 'no-key', 'no-answer'];
const QUEUE_OUTCOMES: readonly QueueOutcome[] = ['bridged', 'hangup'];

/**
 * Plays a call from a list of tokens, one consumed per human decision:
 * - each Gather takes one token: the keys typed ('' or 'silence' = silence);
 * - each ringing agent takes the next token if it is `agent:accept|no-key|no-answer`, else accepts;
 * - each Record takes one token as the recording text ('' or 'silence' = nothing recorded;
 *   a `hangup:` prefix means the caller hangs up after speaking);
 * - each queued wait takes the next token if it is `queue:bridged|hangup`, else is bridged.
 * Once the tokens run out the caller is silent, an agent who rings accepts (so `<id>#,<code>,1`
 * reaches the agent, as an operator trying the line expects) and queued callers hang up, so a
 * script that is too short still ends.
 */
export function scripted(tokens: readonly ScriptToken[]): InputProvider {
  const queue = [...tokens];
  const take = async (): Promise<string | undefined> => {
    const next = queue.shift();
    return typeof next === 'function' ? next() : next;
  };
  // Only literal tokens can be peeked at: a function token is never an agent or queue decision.
  const takeIfPrefixed = (prefix: string): string | undefined => {
    const next = queue[0];
    if (typeof next !== 'string' || !next.startsWith(prefix)) return undefined;
    queue.shift();
    return next.slice(prefix.length);
  };
  const isSilence = (t: string) => t.trim() === '' || t.trim().toLowerCase() === 'silence';

  return {
    async digits() {
      const token = await take();
      return token === undefined || isSilence(token) ? '' : token.trim();
    },
    agentAnswer() {
      const answer = takeIfPrefixed('agent:');
      if (answer === undefined) return 'accept';
      return oneOf(answer, AGENT_ANSWERS, 'agent:');
    },
    async recording() {
      const token = (await take()) ?? '';
      const hangup = token.startsWith('hangup:');
      const text = hangup ? token.slice('hangup:'.length).trim() : token.trim();
      return { text: isSilence(text) ? '' : text, hangup };
    },
    queueOutcome() {
      if (queue.length === 0) return 'hangup';
      const outcome = takeIfPrefixed('queue:');
      return outcome === undefined ? 'bridged' : oneOf(outcome, QUEUE_OUTCOMES, 'queue:');
    },
  };
}

function oneOf<T extends string>(value: string, allowed: readonly T[], prefix: string): T {
  const match = allowed.find((a) => a === value.trim());
  if (match === undefined) {
    throw new Error(`script token "${prefix}${value}" must be one of ${allowed.map((a) => prefix + a).join(', ')}`);
  }
  return match;
}
