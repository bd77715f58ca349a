import { randomBytes, scrypt, timingSafeEqual, type ScryptOptions } from 'node:crypto';
import type { StoredPassword } from '../domain/storage/credentials.js';

/** scrypt costs for new passwords (about 50 ms and 32 MiB per hash). Stored with each hash, so they can rise later. */
const COST = { N: 2 ** 15, r: 8, p: 1 } as const;
const KEY_LENGTH = 32;

export const MIN_PASSWORD_LENGTH = 12;
export const MAX_PASSWORD_LENGTH = 256;

function derive(password: string, salt: Buffer, cost: { N: number; r: number; p: number }): Promise<Buffer> {
  const options: ScryptOptions = { ...cost, maxmem: 256 * cost.N * cost.r + 1024 * 1024 };
  return new Promise((resolve, reject) =>
    scrypt(password.normalize('NFKC'), salt, KEY_LENGTH, options, (err, key) => (err ? reject(err) : resolve(key))),
  );
}

/** What is wrong with a new password, or null when it is acceptable. */
export function passwordProblem(password: string): string | null {
  if (password.length < MIN_PASSWORD_LENGTH) return `must be at least ${MIN_PASSWORD_LENGTH} characters`;
  if (password.length > MAX_PASSWORD_LENGTH) return `must be at most ${MAX_PASSWORD_LENGTH} characters`;
  return null;
}

/** Hashes a password with scrypt and a fresh 16-byte salt. */
export async function hashPassword(password: string): Promise<StoredPassword> {
  const salt = randomBytes(16);
  return { hash: await derive(password, salt, COST), salt, params: JSON.stringify(COST) };
}

/** Checks a password against a stored hash in constant time. */
export async function verifyPassword(password: string, stored: StoredPassword): Promise<boolean> {
  const cost = JSON.parse(stored.params) as { N: number; r: number; p: number };
  const key = await derive(password.slice(0, MAX_PASSWORD_LENGTH), stored.salt, cost);
  return key.length === stored.hash.length && timingSafeEqual(key, stored.hash);
}

/** A hash nobody's password matches, checked when the agent is unknown so that case takes as long. */
let decoy: Promise<StoredPassword> | undefined;
export function decoyPassword(): Promise<StoredPassword> {
  decoy ??= hashPassword(randomBytes(24).toString('base64'));
  return decoy;
}
