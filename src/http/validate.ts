import type { z } from 'zod';
import { AppError } from '../domain/errors.js';

/** Parses input with a zod schema; a failure is a 400 naming the first bad field. */
export function parse<T extends z.ZodType>(schema: T, input: unknown): z.infer<T> {
  const result = schema.safeParse(input ?? {});
  if (result.success) return result.data;
  const issue = result.error.issues[0]!;
  const field = issue.path.length ? issue.path.join('.') : 'body';
  throw new AppError(400, 'invalid_request', `${field}: ${issue.message}`, field);
}
