import { z } from 'zod';

/**
 * Control characters (C0, DEL, C1). None belongs in a name shown on a page or a terminal, and SQLite
 * measures text only up to its first NUL, so such a name would also break the database's length check.
 */
const CONTROL_CHARACTER = /\p{Cc}/u;

/** Whether text holds a control character, which no name may. */
export const hasControlCharacter = (text: string): boolean => CONTROL_CHARACTER.test(text);

/** A customer's or agent's name from any caller: trimmed, 1 to 200 characters, no control characters. */
export const displayName = z
  .string()
  .trim()
  .min(1, 'must not be empty')
  .max(200, 'must be at most 200 characters')
  .refine((v) => !hasControlCharacter(v), 'must not contain control characters');
