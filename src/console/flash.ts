import type { Request } from 'express';
import type { Messages } from './i18n/index.js';

type Done = keyof Messages['flash']['done'];
type Refusal = keyof Messages['flash']['error'];

/**
 * Confirmations and errors shown after a redirect. The query names a fixed message (and at most a
 * callback reference of digits), so a crafted link cannot make the console say anything else; the
 * words come from the agent's catalogue. Looked up by own keys only: a query such as ?done=__proto__
 * or ?done=toString must find nothing, not a property every object inherits.
 */
const known = <K extends string>(table: Record<K, unknown>, key: unknown): key is K => typeof key === 'string' && Object.hasOwn(table, key);

/** The message a redirect asked for, if any. */
export function flashFrom(req: Request, t: Messages): { kind: 'ok' | 'error'; text: string } | undefined {
  const ref = typeof req.query.ref === 'string' && /^[0-9]{1,12}$/.test(req.query.ref) ? req.query.ref : '';
  const { done, error } = req.query;
  if (known<Done>(t.flash.done, done)) return { kind: 'ok', text: t.flash.done[done](ref) };
  if (known<Refusal>(t.flash.error, error)) return { kind: 'error', text: t.flash.error[error](ref) };
  return undefined;
}

/** `path` with a fixed message for the next page. */
export function withFlash(path: string, kind: 'done' | 'error', code: string, ref?: string): string {
  const query = new URLSearchParams({ [kind]: code, ...(ref && { ref }) });
  return `${path}?${query.toString()}`;
}
