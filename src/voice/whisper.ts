import type { Agent } from '../domain/storage/agents.js';
import { agentLanguage } from '../domain/agentLanguages.js';
import { idEnding } from '../domain/customer.js';
import { WHISPER_KEY_SECONDS, WHISPER_PAUSE_SECONDS } from '../domain/serviceNumbers.js';
import type { EmergencyContext } from '../../voice-flows/emergency.js';
import type { Language } from '../../voice-flows/prompts/index.js';
import type { Say } from './flow.js';
import { sayNode } from './render.js';
import { el, twimlDocument } from './twiml.js';

/**
 * The whisper on the agent's leg, before the legs are bridged: who is calling, and 1 to accept.
 * Only the key connects: no key (or a voicemail) hangs up the agent's leg and the caller's Dial
 * moves on to the next agent.
 */
export function whisperTwiml(options: {
  context: EmergencyContext | undefined;
  agent: Agent | undefined;
  acceptUrl: string;
}): string {
  const { context, agent, acceptUrl } = options;
  const language = agentLanguage(context?.language ?? 'en-US', agent?.languages);
  const customer = context?.customer;
  const say: Say = {
    key: 'whisper',
    params: {
      tier: customer?.tier ?? 'standard',
      name: customer?.name ?? '',
      ending: customer ? idEnding(customer.customerId) : '',
      failures: customer?.failuresLastDay ?? 0,
    },
  };
  return twimlDocument([
    el(
      'Gather',
      { input: 'dtmf', numDigits: 1, action: acceptUrl, method: 'POST', timeout: WHISPER_KEY_SECONDS },
      sayNode(say, language),
      el('Pause', { length: WHISPER_PAUSE_SECONDS }),
      sayNode(say, language),
    ),
    el('Hangup'),
  ]);
}

/** The agent's answer to the whisper: 1 bridges the call, anything else hangs up their leg. */
export function acceptTwiml(digits: string | undefined, language: Language): string {
  if (digits === '1') return twimlDocument([sayNode({ key: 'whisperAccepted' }, language)]);
  return twimlDocument([el('Hangup')]);
}

/**
 * The backup desk's whisper for a caller automatic verification could not take: unverified, the
 * typed ID's ending and why, said twice in the call's language. It asks for no key: when it ends the
 * desk is put through, as a person answering the desk line is there to take such callers.
 */
export function deskWhisperTwiml(context: EmergencyContext | undefined): string {
  const held = context?.held;
  if (!held) return twimlDocument([]);
  const say: Say = {
    key: held.reason === 'locked' ? 'deskWhisperLocked' : 'deskWhisperLimited',
    params: { ending: held.idEnding, failures: held.failures },
  };
  const language = context.language;
  return twimlDocument([sayNode(say, language), el('Pause', { length: 1 }), sayNode(say, language)]);
}
