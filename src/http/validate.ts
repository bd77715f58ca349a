import type { z } from 'zod';
import { AppError } from '../domain/errors.js';

/** The field a zod issue is about: an unknown key names itself, a whole-input problem is "body". */
function fieldOf(issue: z.core.$ZodIssue): string {
  const path = issue.code === 'unrecognized_keys' && issue.keys[0] !== undefined ? [...issue.path, issue.keys[0]] : issue.path;
  return path.length ? path.join('.') : 'body';
}

/** Parses input with a zod schema; a failure is a 400 naming the first bad field. */
export function parse<T extends z.ZodType>(schema: T, input: unknown): z.infer<T> {
  const result = schema.safeParse(input ?? {});
  if (result.success) return result.data;
  const issue = result.error.issues[0]!;
  const field = fieldOf(issue);
  throw new AppError(400, 'invalid_request', `${field}: ${issue.message}`, field);
}
