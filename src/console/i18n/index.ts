import type { Request, Response } from 'express';
import { CONSOLE_LANGUAGES, type Agent, type ConsoleLanguage } from '../../domain/storage/agents.js';
import { en, type Messages } from './en.js';
import { ja } from './ja.js';

export type { Messages };

/** One message catalogue per language the console speaks. */
export const CATALOGUES: Readonly<Record<ConsoleLanguage, Messages>> = { en, ja };

export const isConsoleLanguage = (value: unknown): value is ConsoleLanguage =>
  typeof value === 'string' && (CONSOLE_LANGUAGES as readonly string[]).includes(value);

/** The console language of a spoken language tag: "ja-JP" -> ja; anything else -> en. */
const fromTag = (tag: string): ConsoleLanguage => (/^ja\b/i.test(tag) ? 'ja' : 'en');

/** The first language of an Accept-Language header the console speaks, by the browser's order of preference. */
export function fromAcceptLanguage(header: string | undefined): ConsoleLanguage | undefined {
  if (!header) return undefined;
  const ranked = header
    .split(',')
    .map((part, index) => {
      const [tag = '', ...params] = part.trim().split(';');
      const q = params.map((p) => /^\s*q=([0-9.]+)\s*$/.exec(p)?.[1]).find((v) => v !== undefined);
      return { tag: tag.trim(), q: q === undefined ? 1 : Number(q), index };
    })
    .filter((p) => p.tag !== '' && p.q > 0)
    .sort((a, b) => b.q - a.q || a.index - b.index);
  for (const { tag } of ranked) {
    if (/^ja\b/i.test(tag)) return 'ja';
    if (/^en\b/i.test(tag)) return 'en';
  }
  return undefined;
}

/**
 * The language the console speaks to a request: the agent's own choice; else, for an agent who speaks
 * Japanese, the first language they speak; else the browser's; else English. Before sign-in, `?lang=`
 * (the sign-in page's switch) and then the browser's.
 */
export function consoleLanguageFor(req: Request, agent?: Agent): ConsoleLanguage {
  if (agent?.consoleLanguage) return agent.consoleLanguage;
  if (agent?.languages.some((l) => fromTag(l) === 'ja')) return fromTag(agent.languages[0]!);
  if (!agent && isConsoleLanguage(req.query.lang)) return req.query.lang;
  return fromAcceptLanguage(req.get('accept-language')) ?? 'en';
}

/** The catalogue for a request (see consoleLanguageFor). */
export const messagesFor = (req: Request, agent?: Agent): Messages => CATALOGUES[consoleLanguageFor(req, agent)];

/** The catalogue of a signed-in request, chosen once after sign-in is checked (routes.ts). */
export const textOf = (res: Response): Messages => res.locals.t as Messages;
