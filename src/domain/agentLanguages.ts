/**
 * Where a call's language meets the languages agents speak: who is rung first, and which language an
 * agent hears a caller announced in. The transfer, the P1 queue and the callback dialer decide it here.
 */
import { isLanguage, type Language } from '../../voice-flows/prompts/index.js';

/** Agents in their given (fair) order, speakers of `language` first: the order every call and callback rings them in. */
export function speakersFirst<A extends { languages: readonly string[] }>(agents: readonly A[], language: string): A[] {
  return [...agents.filter((a) => a.languages.includes(language)), ...agents.filter((a) => !a.languages.includes(language))];
}

/** The language an agent hears about a call in: the call's if they speak it, else their first the line speaks, else English. */
export function agentLanguage(callLanguage: Language, agentLanguages: readonly string[] | undefined): Language {
  if (!agentLanguages || agentLanguages.includes(callLanguage)) return callLanguage;
  return agentLanguages.find(isLanguage) ?? 'en-US';
}
