import type { TwimlDocument, TwimlNode } from './twiml.js';
import type { Transcript } from './transcript.js';
import { abortWalk } from './abort.js';

/** What a verb handler tells the runner: go on, switch to a new document, or stop with an outcome. */
export type Step<O> = { next: 'verb' } | { next: 'document'; document: TwimlDocument } | { next: 'stop'; outcome: O };

export type VerbHandler<O> = (verb: TwimlNode, document: TwimlDocument) => Promise<Step<O>>;

export const nextVerb = { next: 'verb' } as const;
export const goTo = (document: TwimlDocument) => ({ next: 'document', document }) as const;
export const stop = <O>(outcome: O) => ({ next: 'stop', outcome }) as const;

/**
 * Runs TwiML the way Twilio does: verbs in order; a verb that fetches new TwiML (an action or a
 * Redirect) replaces the document, and the rest of the old one never runs; when a document runs out
 * of verbs the leg ends with `whenVerbsRunOut`. Loops are bounded by the client's request limit.
 */
export async function runDocuments<O>(first: TwimlDocument, handle: VerbHandler<O>, whenVerbsRunOut: O): Promise<O> {
  let document = first;
  for (;;) {
    let replaced = false;
    for (const verb of document.verbs) {
      const step = await handle(verb, document);
      if (step.next === 'stop') return step.outcome;
      if (step.next === 'document') {
        document = step.document;
        replaced = true;
        break;
      }
    }
    if (!replaced) return whenVerbsRunOut;
  }
}

/** Ends the walk on a verb this leg cannot run (or the simulator does not model). */
export function unsupportedVerb(transcript: Transcript, verb: TwimlNode, where: string): never {
  abortWalk(transcript, `<${verb.name}> is not supported ${where}`);
}
