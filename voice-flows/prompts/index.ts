import { enUS } from './en-US.js';
import { jaJP } from './ja-JP.js';
import type { PromptParams, PromptSet } from './types.js';

export type { PromptParams, PromptSet } from './types.js';
export type PromptKey = keyof PromptSet['text'];
export type Language = PromptSet['language'];
export const LANGUAGES: readonly Language[] = ['en-US', 'ja-JP'];

/** Whether a stored or requested language tag is one the line speaks. */
export function isLanguage(tag: string | null | undefined): tag is Language {
  return (LANGUAGES as readonly (string | null | undefined)[]).includes(tag);
}

/** The language a stored or requested tag names; anything the line does not speak is read as English. */
export function toLanguage(tag: string | null | undefined): Language {
  return isLanguage(tag) ? tag : 'en-US';
}

export const PROMPTS: Readonly<Record<Language, PromptSet>> = { 'en-US': enUS, 'ja-JP': jaJP };

/** The text of a prompt in a language, filled with its values. */
export function promptText(language: Language, key: PromptKey, params: PromptParams = {}): string {
  const text = PROMPTS[language].text[key];
  return typeof text === 'function' ? text(params) : text;
}
