import { callerScope, type CallContext } from './callContext.js';
import { runDial } from './dial.js';
import { nextVerb, runDocuments, stop, unsupportedVerb } from './documentRunner.js';
import { runEnqueue } from './enqueue.js';
import { runGather } from './gather.js';
import { announce } from './prompts.js';
import { runRecord } from './record.js';
import { runRedirect } from './redirect.js';
import type { EndReason } from './transcript.js';
import type { TwimlDocument } from './twiml.js';

/** Runs the caller's side of the call from its first TwiML document until the call ends. */
export function runCallerLeg(ctx: CallContext, first: TwimlDocument): Promise<EndReason> {
  const scope = callerScope(ctx);
  return runDocuments<EndReason>(
    first,
    async (verb, document) => {
      if (announce(ctx.transcript, ctx.clock, 'caller', verb)) return nextVerb;
      switch (verb.name) {
        case 'Gather':
          return runGather(ctx, verb, document, { scope, where: 'call', keys: (prompt) => ctx.input.digits(prompt) });
        case 'Redirect':
          return runRedirect(ctx, scope, verb, document);
        case 'Record':
          return runRecord(ctx, verb, document);
        case 'Dial':
          return runDial(ctx, verb, document);
        case 'Enqueue':
          return runEnqueue(ctx, verb, document);
        case 'Hangup':
        case 'Reject':
          ctx.transcript.add({ kind: 'hangup', leg: 'caller', verb: verb.name });
          return stop(verb.name === 'Hangup' ? 'hangup' : 'rejected');
        default:
          return unsupportedVerb(ctx.transcript, verb, 'on the caller leg by the simulator');
      }
    },
    'no-more-verbs',
  );
}
