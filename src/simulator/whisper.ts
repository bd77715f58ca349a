import type { CallContext, LegScope } from './callContext.js';
import { nextVerb, runDocuments, stop, unsupportedVerb } from './documentRunner.js';
import { runGather } from './gather.js';
import { announce } from './prompts.js';
import { runRedirect } from './redirect.js';
import type { AgentAnswer } from './transcript.js';
import type { HttpMethod } from './webhookClient.js';

/** The agent's leg of a <Dial>: a child call Twilio placed to one <Number>. */
export interface AgentLeg {
  callSid: string;
  /** The number rung. */
  number: string;
  /** Caller ID shown to the agent. */
  from: string;
}

/** Twilio's webhook parameters for the agent's (outbound-dial) leg. */
export function agentScope(ctx: CallContext, agent: AgentLeg): LegScope {
  return {
    leg: 'agent',
    params: () => ({
      CallSid: agent.callSid,
      ParentCallSid: ctx.call.callSid,
      AccountSid: ctx.call.accountSid,
      From: agent.from,
      To: agent.number,
      Caller: agent.from,
      Called: agent.number,
      CallStatus: 'in-progress',
      Direction: 'outbound-dial',
      ApiVersion: '2010-04-01',
    }),
  };
}

/**
 * Runs a <Number url> whisper on the agent's leg after they answer. An agent who accepts types 1
 * at every Gather; one who presses no key lets every Gather time out. Hangup or Reject ends the
 * agent's leg unbridged; TwiML running out of verbs bridges the call (so a whisper whose Gather
 * simply times out still connects - the pitfall the TwiML must guard against with a <Hangup/>).
 */
export async function runWhisper(
  ctx: CallContext,
  agent: AgentLeg,
  whisper: { url: string; method: HttpMethod },
  answer: Exclude<AgentAnswer, 'no-answer'>,
): Promise<'bridged' | 'hung-up'> {
  const scope = agentScope(ctx, agent);
  ctx.transcript.add({ kind: 'whisper', number: agent.number, url: whisper.url, callSid: agent.callSid });
  const first = await ctx.http.twiml('agent', whisper.method, whisper.url, scope.params());
  return runDocuments<'bridged' | 'hung-up'>(
    first,
    async (verb, document) => {
      if (announce(ctx.transcript, ctx.clock, 'agent', verb)) return nextVerb;
      switch (verb.name) {
        case 'Gather':
          return runGather(ctx, verb, document, { scope, where: 'call', keys: () => (answer === 'accept' ? '1' : '') });
        case 'Redirect':
          return runRedirect(ctx, scope, verb, document);
        case 'Hangup':
        case 'Reject':
          ctx.transcript.add({ kind: 'hangup', leg: 'agent', verb: verb.name });
          return stop('hung-up');
        default:
          return unsupportedVerb(ctx.transcript, verb, 'in a whisper (Twilio allows Say, Play, Pause, Gather, Redirect, Hangup, Reject)');
      }
    },
    'bridged',
  );
}
