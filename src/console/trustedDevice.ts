import { createHmac, hkdfSync, timingSafeEqual } from 'node:crypto';

/** The key device cookies are signed with, derived from the secret key so it needs no setting of its own. */
export function deviceKeyFrom(secretKey: Buffer): Buffer {
  return Buffer.from(hkdfSync('sha256', secretKey, Buffer.alloc(0), 'hotline console trusted device v1', 32));
}

/**
 * A browser an agent signed in on: `agentId.issuedAt.mac`, the MAC over both and the agent's password
 * hash. Nothing is stored: a new password (or a new secret key) invalidates every such cookie at once,
 * and a removed agent is refused after the password check however the cookie reads.
 */
export function trustedDevices(key: Buffer, maxAgeMs: number) {
  const mac = (agentId: number, issuedAt: number, passwordHash: Buffer) =>
    createHmac('sha256', key).update(`${agentId}.${issuedAt}.`).update(passwordHash).digest();

  return {
    /** The cookie value for a browser that just signed in as this agent with this password. */
    issue: (agentId: number, passwordHash: Buffer, now: number): string => `${agentId}.${now}.${mac(agentId, now, passwordHash).toString('base64url')}`,

    /**
     * The browser's id (its cookie's MAC) when `cookie` was issued to this agent, under their current
     * password, within the last `maxAgeMs`; otherwise undefined.
     */
    vouchedFor(cookie: string | undefined, agentId: number, passwordHash: Buffer, now: number): string | undefined {
      const m = /^([0-9]{1,9})\.([0-9]{1,15})\.([A-Za-z0-9_-]{43})$/.exec(cookie ?? '');
      if (!m || Number(m[1]) !== agentId) return undefined;
      const issuedAt = Number(m[2]);
      if (issuedAt > now || now - issuedAt >= maxAgeMs) return undefined;
      return timingSafeEqual(Buffer.from(m[3]!, 'base64url'), mac(agentId, issuedAt, passwordHash)) ? m[3] : undefined;
    },
  };
}
