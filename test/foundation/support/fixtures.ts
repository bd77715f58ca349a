import { SecretBox } from '../../../src/crypto/secretBox.js';
import type { SecretKind } from '../../../src/domain/customer.js';
import type { NewCustomerInput } from '../../../src/domain/customers.js';
import { openSecret } from '../../../src/domain/otpSecrets.js';
import { codeForStep, timeStepAt } from '../../../src/domain/totp.js';
import type { Hotline } from '../../../src/hotline.js';
import { base32Decode } from './base32.js';

/** An active Enterprise customer, made through the same service the API and CLI use. */
export function enterpriseCustomer(hotline: Hotline, input: Partial<NewCustomerInput> = {}) {
  return hotline.customers.create({ name: 'Acme Corp', plan: 'enterprise', tier: 'premium', phone: '+14155550123', ...input });
}

/**
 * The plaintext secret of a customer, opened the way the service opens it. Tests need it to compute
 * the code of any time step, as the customer's dashboard or authenticator app would.
 */
export async function plainSecret(hotline: Hotline, customerId: string, kind: SecretKind): Promise<Buffer> {
  const [stored] = await hotline.store.customers.secrets(customerId, [kind]);
  if (!stored) throw new Error(`${customerId} has no ${kind} secret`);
  return openSecret(new SecretBox(hotline.config.secretKeys), customerId, kind, stored.sealed);
}

/** The code of the step `offset` steps from the clock's current one. */
export function codeAt(hotline: Hotline, secret: Uint8Array, offset = 0): string {
  return codeForStep(secret, timeStepAt(hotline.clock.now()) + offset);
}

/** Enrolls and confirms an authenticator; returns its secret as the app holds it. */
export async function confirmedAuthenticator(hotline: Hotline, customerId: string): Promise<Buffer> {
  const { secret } = await hotline.customers.enrollAuthenticator(customerId);
  const raw = base32Decode(secret);
  await hotline.customers.confirmAuthenticator(customerId, codeAt(hotline, raw));
  return raw;
}

/** A well-formed customer ID (valid Luhn digit) that no customer has. */
export const UNKNOWN_ID = '1234567897';

/** A six-digit code that matches none of the customer's secrets anywhere in the accepted window right now. */
export async function wrongCode(hotline: Hotline, customerId: string): Promise<string> {
  const stored = await hotline.store.customers.secrets(customerId, ['dashboard', 'authenticator', 'authenticator-pending']);
  const secrets = await Promise.all(stored.map((s) => plainSecret(hotline, customerId, s.kind)));
  const taken = new Set(secrets.flatMap((s) => [-2, -1, 0, 1].map((offset) => codeAt(hotline, s, offset))));
  for (let n = 0; ; n++) {
    const code = String(n).padStart(6, '0');
    if (!taken.has(code)) return code;
  }
}
