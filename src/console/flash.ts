import type { Request } from 'express';

type Message = (ref: string) => string;

/**
 * Confirmations and errors shown after a redirect. The query names a fixed message (and at most a
 * callback reference of digits), so a crafted link cannot make the console say anything else.
 * Maps, not plain objects: a query such as ?done=__proto__ or ?done=toString must find nothing,
 * not a property every object inherits.
 */
const DONE = new Map<string, Message>(Object.entries({
  claimed: (ref) => `Callback ${ref} is yours: the dialer will not call this customer while you hold it.`,
  released: (ref) => `Callback ${ref} released.`,
  completed: (ref) => `Callback ${ref} marked completed.`,
  note: () => 'Note added.',
  duty: () => 'Your duty is updated.',
  free: () => 'You are marked free for calls.',
  created: () => 'Agent added.',
  saved: () => 'Saved.',
  roster: () => 'Roster saved.',
  password: () => 'Password set. The agent’s other sessions were signed out.',
  removed: (ref) => `Agent ${ref} removed: off duty for good, signed out, and any callbacks they claimed given back to the dialer.`,
  'signed-out': () => 'You are signed out.',
  'key-revoked': (ref) => `API key ${ref} revoked: it is refused from now on, and so are the panel sessions it made.`,
} satisfies Record<string, Message>));
const ERROR = new Map<string, Message>(Object.entries({
  closed: (ref) => `Callback ${ref} is already closed.`,
  'claimed-by-other': (ref) => `Another agent has claimed callback ${ref}. Use “Take over” to take it.`,
  'not-found': () => 'That callback no longer exists.',
} satisfies Record<string, Message>));

/** The message a redirect asked for, if any. */
export function flashFrom(req: Request): { kind: 'ok' | 'error'; text: string } | undefined {
  const ref = typeof req.query.ref === 'string' && /^[0-9]{1,12}$/.test(req.query.ref) ? req.query.ref : '';
  const done = typeof req.query.done === 'string' ? DONE.get(req.query.done) : undefined;
  if (done) return { kind: 'ok', text: done(ref) };
  const error = typeof req.query.error === 'string' ? ERROR.get(req.query.error) : undefined;
  if (error) return { kind: 'error', text: error(ref) };
  return undefined;
}

/** `path` with a fixed message for the next page. */
export function withFlash(path: string, kind: 'done' | 'error', code: string, ref?: string): string {
  const query = new URLSearchParams({ [kind]: code, ...(ref && { ref }) });
  return `${path}?${query.toString()}`;
}
