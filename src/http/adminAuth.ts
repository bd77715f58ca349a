import { createHash, timingSafeEqual } from 'node:crypto';
import type { RequestHandler } from 'express';
import { AppError } from '../domain/errors.js';

const digest = (value: string) => createHash('sha256').update(value).digest();

/** Requires `Authorization: Bearer <HOTLINE_ADMIN_TOKEN>`, compared in constant time. */
export function requireAdminToken(adminToken: string): RequestHandler {
  const expected = digest(adminToken);
  return (req, _res, next) => {
    const header = req.get('authorization') ?? '';
    const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
    // Hashing both sides gives equal lengths, so the comparison time does not depend on the guess.
    if (!match || !timingSafeEqual(digest(match[1]!), expected)) {
      next(new AppError(401, 'unauthorized', 'a valid admin bearer token is required'));
      return;
    }
    next();
  };
}
