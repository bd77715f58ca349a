/**
 * Where a call's language meets the languages an agent speaks: which language an agent hears a
 * caller announced in. The transfer's whisper and the callback dialer's decide it here.
 */
import { isLanguage, type Language } from '../../voice-flows/prompts/index.js';

/** The language an agent hears about a call in: the call's if they speak it, else their first the line speaks, else English. */
export function agentLanguage(callLanguage: Language, agentLanguages: readonly string[] | undefined): Language {
  if (!agentLanguages || agentLanguages.includes(callLanguage)) return callLanguage;
  return agentLanguages.find(isLanguage) ?? 'en-US';
}
