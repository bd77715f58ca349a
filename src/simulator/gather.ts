import type { CallContext, LegScope } from './callContext.js';
import { goTo, nextVerb, unsupportedVerb, type Step } from './documentRunner.js';
import type { GatherPrompt } from './input.js';
import { announce } from './prompts.js';
import type { TwimlDocument, TwimlNode } from './twiml.js';
import { methodOf } from './redirect.js';

/** What a Gather makes of the keys a person typed. */
export interface GatheredDigits {
  /** The Digits parameter; '' when nothing counts as input (the Gather timed out empty). */
  digits: string;
  /** The finishOnKey pressed to end input, or '' when numDigits or the timeout ended it. */
  finishedOnKey: string;
}

/**
 * Applies Twilio's Gather rules to typed keys: input ends at the finishOnKey (which is not part of
 * Digits; '' disables it) or once numDigits keys are in, whichever comes first; keys typed after
 * that are never heard. Characters that are not keypad keys are ignored.
 */
export function gatherDigits(typed: string, options: { numDigits?: number; finishOnKey: string }): GatheredDigits {
  let digits = '';
  for (const key of typed.replace(/[^0-9*#]/g, '')) {
    if (options.finishOnKey !== '' && key === options.finishOnKey) return { digits, finishedOnKey: key };
    digits += key;
    if (options.numDigits !== undefined && digits.length >= options.numDigits) break;
  }
  return { digits, finishedOnKey: '' };
}

export interface GatherRun {
  scope: LegScope;
  where: GatherPrompt['where'];
  /** Asks whoever is on this leg for keys. */
  keys(prompt: GatherPrompt): Promise<string> | string;
}

/** Runs a <Gather>: nested prompts, keys, then the action request, or the next verb on silence. */
export async function runGather<O>(
  ctx: CallContext,
  verb: TwimlNode,
  document: TwimlDocument,
  run: GatherRun,
): Promise<Step<O>> {
  const { leg } = run.scope;
  if (verb.attrs.input !== undefined && !verb.attrs.input.split(/\s+/).includes('dtmf')) {
    unsupportedVerb(ctx.transcript, verb, `with input="${verb.attrs.input}" (the simulator types keys only)`);
  }
  for (const nested of verb.children) {
    if (!announce(ctx.transcript, ctx.clock, leg, nested)) unsupportedVerb(ctx.transcript, nested, 'inside <Gather>');
  }
  const action = ctx.http.resolve(verb.attrs.action ?? document.url, document.url);
  const numDigits = verb.attrs.numDigits === undefined ? undefined : Number(verb.attrs.numDigits);
  const finishOnKey = verb.attrs.finishOnKey ?? '#';
  // Twilio's default wait for the first key is 5 s.
  const timeoutSeconds = verb.attrs.timeout === undefined ? 5 : Number(verb.attrs.timeout);
  ctx.transcript.add({ kind: 'gather', leg, action, finishOnKey, timeoutSeconds, ...(numDigits !== undefined && { numDigits }) });

  const typed = await run.keys({ leg, where: run.where, numDigits, finishOnKey });
  const { digits, finishedOnKey } = gatherDigits(typed, { numDigits, finishOnKey });
  ctx.transcript.add({ kind: 'input', leg, typed, digits });
  const timedOut = finishedOnKey === '' && (numDigits === undefined || digits.length < numDigits);
  ctx.clock.advance(digits.length * 0.5 + (timedOut ? Number(verb.attrs.timeout ?? '5') : 0));

  // No input means no request at all, unless the TwiML asks for one: the next verb runs instead.
  if (digits === '' && verb.attrs.actionOnEmptyResult !== 'true') return nextVerb;
  const params = { ...run.scope.params(), Digits: digits, FinishedOnKey: finishedOnKey };
  return goTo(await ctx.http.twiml(leg, methodOf(verb), action, params));
}
