import { callerScope, CONVERSATION_SECONDS, type CallContext } from './callContext.js';
import { goTo, nextVerb, stop, unsupportedVerb, type Step } from './documentRunner.js';
import { newSid } from './ids.js';
import { methodOf } from './redirect.js';
import type { DialCallStatus, EndReason } from './transcript.js';
import type { TwimlDocument, TwimlNode } from './twiml.js';
import { runWhisper } from './whisper.js';

interface DialResult {
  status: DialCallStatus;
  bridged: boolean;
  /** The agent leg's CallSid (the last one rung when nobody answered). */
  dialCallSid: string;
  number: string | undefined;
}

/**
 * Runs a <Dial> of one or more <Number>s (or a bare number as its text). Several Numbers in one Dial
 * ring at once on Twilio and the first to answer wins; the simulator asks the input provider about
 * each in document order and the first that answers (accept or no-key) is that winner - the rest
 * stop ringing. `sequential="true"` is treated the same way.
 * After the Dial: a bridged call means the conversation happened and the caller hung up at its end,
 * so the action (if any) is told so with CallStatus=completed and the call is over. An unbridged
 * Dial posts its action and runs the returned TwiML, or without an action runs the next verb.
 */
export async function runDial(ctx: CallContext, verb: TwimlNode, document: TwimlDocument): Promise<Step<EndReason>> {
  const result = await ring(ctx, verb, document);
  ctx.transcript.add({
    kind: 'dial-result',
    status: result.status,
    bridged: result.bridged,
    ...(result.number !== undefined && { number: result.number }),
  });
  if (result.bridged) {
    ctx.clock.advance(CONVERSATION_SECONDS);
    ctx.callerStatus = 'completed';
  }
  if (verb.attrs.action === undefined) return result.bridged ? stop('caller-hung-up') : nextVerb;

  const params = {
    ...callerScope(ctx).params(),
    DialCallStatus: result.status,
    DialCallSid: result.dialCallSid,
    DialBridged: String(result.bridged),
    DialCallDuration: String(result.bridged ? CONVERSATION_SECONDS : 0),
  };
  const action = ctx.http.resolve(verb.attrs.action, document.url);
  if (!result.bridged) return goTo(await ctx.http.twiml('caller', methodOf(verb), action, params));
  // The caller has hung up, so Twilio ignores whatever the action answers.
  await ctx.http.notify('caller', methodOf(verb), action, params);
  return stop('caller-hung-up');
}

async function ring(ctx: CallContext, verb: TwimlNode, document: TwimlDocument): Promise<DialResult> {
  const numbers = numbersOf(ctx, verb);
  const ringSeconds = Number(verb.attrs.timeout ?? '30');
  let dialCallSid = '';
  for (const target of numbers) {
    dialCallSid = newSid('CA');
    ctx.transcript.add({ kind: 'dial', number: target.number, ...(target.url !== undefined && { url: target.url }) });
    const answer = await ctx.input.agentAnswer({ number: target.number, url: target.url });
    ctx.transcript.add({ kind: 'answer', number: target.number, answer });
    if (answer === 'no-answer') {
      ctx.clock.advance(ringSeconds);
      continue;
    }
    ctx.clock.advance(5);
    let bridged = true;
    if (target.url !== undefined) {
      const agent = { callSid: dialCallSid, number: target.number, from: verb.attrs.callerId ?? ctx.call.from };
      const whisper = { url: ctx.http.resolve(target.url, document.url), method: methodOf(target.node) };
      bridged = (await runWhisper(ctx, agent, whisper, answer)) === 'bridged';
    }
    // Answering ends the Dial even when the whisper then hangs up: Twilio reports completed, unbridged.
    return { status: 'completed', bridged, dialCallSid, number: target.number };
  }
  return { status: 'no-answer', bridged: false, dialCallSid, number: undefined };
}

function numbersOf(ctx: CallContext, verb: TwimlNode): Array<{ number: string; url?: string; node: TwimlNode }> {
  if (verb.children.length === 0) {
    if (verb.text === '') unsupportedVerb(ctx.transcript, verb, 'without a number to dial');
    return [{ number: verb.text, node: verb }];
  }
  return verb.children.map((noun) => {
    if (noun.name !== 'Number') unsupportedVerb(ctx.transcript, noun, 'in <Dial> (the simulator rings <Number>s only)');
    return { number: noun.text, node: noun, ...(noun.attrs.url !== undefined && { url: noun.attrs.url }) };
  });
}
