import type { SecretBox, Sealed } from '../crypto/secretBox.js';
import type { SecretKind } from './customer.js';

/** The authenticated binding of a secret: which customer it belongs to and what kind it is. */
export function secretBinding(customerId: string, kind: SecretKind): string {
  return `hotline/otp-secret/v1/${customerId}/${kind}`;
}

export function sealSecret(box: SecretBox, customerId: string, kind: SecretKind, secret: Uint8Array): Sealed {
  return box.seal(secret, secretBinding(customerId, kind));
}

export function openSecret(box: SecretBox, customerId: string, kind: SecretKind, sealed: Sealed): Buffer {
  return box.open(sealed, secretBinding(customerId, kind));
}
