import { PROMPTS, promptText, type Language, type PromptParams } from '../../voice-flows/prompts/index.js';
import type { Input, Say } from './flow.js';
import { el, type TwimlNode } from './twiml.js';

/** The Twilio queue P1 callers wait in; the order is kept in SQLite, not by Twilio. */
export const P1_QUEUE = 'hotline-p1';

/** Where the TwiML's actions point; absolute, built from PUBLIC_BASE_URL. */
export interface VoiceUrls {
  step(step: number): string;
  whisper(callSid: string, agentId: number): string;
  /** The backup desk's whisper for a caller who could not be verified. */
  deskWhisper(callSid: string): string;
  queueWait(callSid: string): string;
}

/** Formats the values whose reading depends on the language: durations, deadlines, tiers, channels. */
function localise(language: Language, params: PromptParams = {}): PromptParams {
  const set = PROMPTS[language];
  const out: PromptParams = { ...params };
  for (const key of ['within', 'target'] as const) {
    if (typeof params[key] === 'number') out[key] = set.duration(params[key]);
  }
  if (typeof params.deadline === 'number') out.deadline = set.deadline(params.deadline);
  if (params.tier === 'premium' || params.tier === 'standard') out.tier = set.tier(params.tier);
  if (typeof params.channels === 'string') out.channels = set.channels(params.channels.split(','));
  return out;
}

/** A <Say> in the prompt's language and that language's voice. */
export function sayNode(say: Say, callLanguage: Language): TwimlNode {
  const language = say.language ?? callLanguage;
  const { voice } = PROMPTS[language];
  return el('Say', { voice, language }, promptText(language, say.key, localise(language, say.params)));
}

/** The TwiML verbs for a state's prompts and the input that ends it. */
export function renderState(options: {
  says: Say[];
  input: Input;
  language: Language;
  step: number;
  callSid: string;
  urls: VoiceUrls;
}): TwimlNode[] {
  const { input, language, urls, step } = options;
  const says = options.says.map((s) => sayNode(s, language));
  const action = urls.step(step);
  switch (input.kind) {
    case 'digits':
      return [
        el(
          'Gather',
          {
            input: 'dtmf',
            action,
            method: 'POST',
            actionOnEmptyResult: 'true',
            timeout: input.timeout,
            finishOnKey: input.finishOnKey,
            numDigits: input.numDigits,
          },
          ...says,
        ),
      ];
    case 'record':
      // Twilio skips the action when nothing was recorded; the Redirect then reports "no recording".
      return [
        ...says,
        el('Record', { action, method: 'POST', maxLength: input.maxLength, timeout: input.timeout, finishOnKey: '#', playBeep: 'true' }),
        el('Redirect', { method: 'POST' }, action),
      ];
    case 'dial':
    case 'desk': {
      // An agent or the backup desk: one number, whose leg first hears a whisper saying who is calling.
      const [phone, whisper] =
        input.kind === 'dial'
          ? [input.target.phone, urls.whisper(options.callSid, input.target.agentId)]
          : [input.phone, urls.deskWhisper(options.callSid)];
      return [
        ...says,
        el('Dial', { action, method: 'POST', timeout: input.timeout }, el('Number', { url: whisper, method: 'POST' }, phone)),
      ];
    }
    case 'enqueue':
      return [
        ...says,
        el('Enqueue', { action, method: 'POST', waitUrl: urls.queueWait(options.callSid), waitUrlMethod: 'POST' }, P1_QUEUE),
      ];
    case 'end':
      return [...says, el('Hangup')];
  }
}
