import { randomBytes } from 'node:crypto';

/** A Twilio-shaped SID: a two-letter prefix (CA call, QU queue, RE recording) and 32 hex digits. */
export function newSid(prefix: 'CA' | 'QU' | 'RE'): string {
  return prefix + randomBytes(16).toString('hex');
}
