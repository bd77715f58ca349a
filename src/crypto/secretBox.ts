import { createCipheriv, createDecipheriv, createHash, createHmac, hkdfSync, randomBytes, timingSafeEqual } from 'node:crypto';

/** A value sealed with AES-256-GCM: ciphertext with its 16-byte tag appended, the nonce, and which key sealed it. */
export interface Sealed {
  ciphertext: Buffer;
  nonce: Buffer;
  keyId: string;
}

/** Thrown when a sealed value does not open: wrong key, wrong binding or tampered bytes. */
export class SealError extends Error {}

const TAG_BYTES = 16;

/** A short public fingerprint of a key, stored beside each ciphertext so rotation knows which key to use. */
export function keyIdOf(key: Buffer): string {
  return createHash('sha256').update('hotline-key-id:').update(key).digest('hex').slice(0, 12);
}

/**
 * Seals and opens secrets at rest. Every value gets a fresh 96-bit nonce, and the caller's binding
 * (customer ID and kind of secret) is authenticated data: a ciphertext copied to another row fails to open.
 */
export class SecretBox {
  private readonly keys = new Map<string, Buffer>();
  readonly currentKeyId: string;

  constructor(keys: { current: Buffer; previous: Buffer[] }) {
    for (const key of [keys.current, ...keys.previous]) {
      if (key.length !== 32) throw new SealError('secret keys must be 32 bytes');
      this.keys.set(keyIdOf(key), key);
    }
    this.currentKeyId = keyIdOf(keys.current);
  }

  /**
   * A keyed hash for one purpose, from the current key: stable across restarts and instances, useless
   * without the key. For values that must be compared later but not read back (a step's typed digits).
   */
  digester(purpose: string): (value: string) => string {
    const key = Buffer.from(hkdfSync('sha256', this.keys.get(this.currentKeyId)!, Buffer.alloc(0), `hotline/${purpose}`, 32));
    return (value) => createHmac('sha256', key).update(value).digest('base64url').slice(0, 22);
  }

  /**
   * Signs and checks short-lived tokens for one purpose with a key derived from the current key (a
   * rotation ends the tokens signed before it). The signature is a full HMAC-SHA-256, checked in constant time.
   */
  signer(purpose: string): { sign(data: string): string; verify(data: string, signature: string): boolean } {
    const key = Buffer.from(hkdfSync('sha256', this.keys.get(this.currentKeyId)!, Buffer.alloc(0), `hotline/sign/${purpose}`, 32));
    const mac = (data: string) => createHmac('sha256', key).update(data, 'utf8').digest();
    return {
      sign: (data) => mac(data).toString('base64url'),
      // Compared as text: a base64url string decodes to the same bytes with other unused low bits, and
      // only the one canonical spelling of the signature is accepted.
      verify(data, signature) {
        const given = Buffer.from(signature, 'utf8');
        const expected = Buffer.from(mac(data).toString('base64url'), 'utf8');
        return given.length === expected.length && timingSafeEqual(given, expected);
      },
    };
  }

  /** Whether a key with this id is configured (current or previous). */
  hasKey(keyId: string): boolean {
    return this.keys.has(keyId);
  }

  seal(plaintext: Uint8Array, binding: string): Sealed {
    const nonce = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.keys.get(this.currentKeyId)!, nonce);
    cipher.setAAD(Buffer.from(binding, 'utf8'));
    const ciphertext = Buffer.concat([cipher.update(plaintext), cipher.final(), cipher.getAuthTag()]);
    return { ciphertext, nonce, keyId: this.currentKeyId };
  }

  open(sealed: Sealed, binding: string): Buffer {
    const key = this.keys.get(sealed.keyId);
    if (!key) throw new SealError(`no key with id ${sealed.keyId} is configured`);
    if (sealed.ciphertext.length < TAG_BYTES) throw new SealError('sealed value is truncated');
    try {
      const decipher = createDecipheriv('aes-256-gcm', key, sealed.nonce);
      decipher.setAAD(Buffer.from(binding, 'utf8'));
      decipher.setAuthTag(sealed.ciphertext.subarray(sealed.ciphertext.length - TAG_BYTES));
      return Buffer.concat([
        decipher.update(sealed.ciphertext.subarray(0, sealed.ciphertext.length - TAG_BYTES)),
        decipher.final(),
      ]);
    } catch {
      throw new SealError('sealed value failed authentication');
    }
  }
}
