import { callerScope, CONVERSATION_SECONDS, type CallContext, type LegScope } from './callContext.js';
import { goTo, nextVerb, runDocuments, stop, unsupportedVerb, type Step } from './documentRunner.js';
import { runGather } from './gather.js';
import { newSid } from './ids.js';
import { announce } from './prompts.js';
import { methodOf, runRedirect } from './redirect.js';
import type { EndReason, QueueResult } from './transcript.js';
import type { TwimlDocument, TwimlNode } from './twiml.js';

/** How the wait document ended: <Leave>, <Hangup>, or it ran out of verbs. */
type WaitEnd = 'leave' | 'hangup' | 'ran-out';

/**
 * Runs an <Enqueue>, kept simple: the caller is alone in the queue (position 1). The waitUrl is
 * requested once (Twilio would refetch it each time it ends) and its TwiML runs: prompts, a Gather
 * whose action TwiML continues the wait, Redirect, Leave, Hangup. Unless the wait ended with Leave
 * or Hangup, the input provider decides whether an agent picks the caller up (bridged, after which
 * the conversation happens and the caller hangs up) or the caller gives up (hangup).
 * The action then gets QueueResult, QueueSid and QueueTime. Only after Leave does the call go on:
 * with the action's TwiML, or the verb after <Enqueue>. Otherwise the call is over.
 */
export async function runEnqueue(ctx: CallContext, verb: TwimlNode, document: TwimlDocument): Promise<Step<EndReason>> {
  const queue = verb.text;
  const queueSid = newSid('QU');
  const enqueuedAt = ctx.clock.seconds;
  const queueTime = () => String(ctx.clock.seconds - enqueuedAt);
  const waitUrl = verb.attrs.waitUrl === undefined ? undefined : ctx.http.resolve(verb.attrs.waitUrl, document.url);
  ctx.transcript.add({ kind: 'enqueue', queue, ...(waitUrl !== undefined && { waitUrl }) });

  const caller = callerScope(ctx);
  const waiting: LegScope = {
    leg: 'caller',
    params: () => ({
      ...caller.params(),
      QueuePosition: '1',
      QueueSid: queueSid,
      QueueTime: queueTime(),
      AvgQueueTime: '0',
      CurrentQueueSize: '1',
      MaxQueueSize: '1000',
    }),
  };
  const waitEnd = waitUrl === undefined ? 'ran-out' : await runWait(ctx, waiting, waitUrl, methodOf(verb, 'waitUrlMethod'));
  const result: QueueResult =
    waitEnd === 'ran-out' ? await ctx.input.queueOutcome(queue) : waitEnd === 'leave' ? 'leave' : 'hangup';
  ctx.transcript.add({ kind: 'queue-result', queue, result });
  if (result === 'bridged') ctx.clock.advance(CONVERSATION_SECONDS);
  if (result !== 'leave') ctx.callerStatus = 'completed';
  const ended: EndReason = waitEnd === 'hangup' ? 'hangup' : 'caller-hung-up';

  if (verb.attrs.action === undefined) return result === 'leave' ? nextVerb : stop(ended);
  const params = { ...caller.params(), QueueResult: result, QueueSid: queueSid, QueueTime: queueTime() };
  const action = ctx.http.resolve(verb.attrs.action, document.url);
  if (result === 'leave') return goTo(await ctx.http.twiml('caller', methodOf(verb), action, params));
  // The call is over (talked and hung up, or gave up), so Twilio ignores the action's answer.
  await ctx.http.notify('caller', methodOf(verb), action, params);
  return stop(ended);
}

async function runWait(ctx: CallContext, waiting: LegScope, url: string, method: 'GET' | 'POST'): Promise<WaitEnd> {
  const first = await ctx.http.twiml('caller', method, url, waiting.params());
  return runDocuments<WaitEnd>(
    first,
    async (verb, document) => {
      if (announce(ctx.transcript, ctx.clock, 'caller', verb)) return nextVerb;
      switch (verb.name) {
        case 'Gather':
          return runGather(ctx, verb, document, {
            scope: waiting,
            where: 'queue',
            keys: (prompt) => ctx.input.digits(prompt),
          });
        case 'Redirect':
          return runRedirect(ctx, waiting, verb, document);
        case 'Leave':
          return stop('leave');
        case 'Hangup':
          ctx.transcript.add({ kind: 'hangup', leg: 'caller', verb: 'Hangup' });
          return stop('hangup');
        default:
          return unsupportedVerb(ctx.transcript, verb, 'in an <Enqueue> waitUrl document');
      }
    },
    'ran-out',
  );
}
