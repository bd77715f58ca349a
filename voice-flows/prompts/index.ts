import { enUS } from './en-US.js';
import { jaJP } from './ja-JP.js';
import type { PromptParams, PromptSet } from './types.js';

export type { PromptParams, PromptSet } from './types.js';
export type PromptKey = keyof PromptSet['text'];
export type Language = PromptSet['language'];
export const LANGUAGES: readonly Language[] = ['en-US', 'ja-JP'];

export const PROMPTS: Readonly<Record<Language, PromptSet>> = { 'en-US': enUS, 'ja-JP': jaJP };

/** The text of a prompt in a language, filled with its values. */
export function promptText(language: Language, key: PromptKey, params: PromptParams = {}): string {
  const text = PROMPTS[language].text[key];
  return typeof text === 'function' ? text(params) : text;
}
