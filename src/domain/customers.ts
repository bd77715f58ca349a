import QRCode from 'qrcode';
import { generateURI } from 'otplib';
import type { SecretBox } from '../crypto/secretBox.js';
import type { CustomerPatch, CustomerRepository } from './storage/customers.js';
import type { VerificationRepository } from './storage/verification.js';
import { base32Encode } from './base32.js';
import type { Clock } from './clock.js';
import type { Customer, CustomerStatus, Plan, Tier } from './customer.js';
import { parseCustomerUpdate, parseNewCustomer } from './customerInput.js';
import { generateCustomerId, isValidCustomerId } from './customerId.js';
import { AppError, badField, conflict, notFound } from './errors.js';
import { openSecret, sealSecret } from './otpSecrets.js';
import {
  codeForStep,
  isCodeShaped,
  matchingStep,
  newOtpSecret,
  secondsLeftInStep,
  TOTP_PERIOD_SECONDS,
  timeStepAt,
} from './totp.js';

export interface NewCustomerInput {
  name: string;
  plan: Plan;
  tier?: Tier | undefined;
  phone?: string | undefined;
  customerId?: string | undefined;
}

export interface CustomerUpdate {
  name?: string | undefined;
  plan?: Plan | undefined;
  tier?: Tier | undefined;
  status?: CustomerStatus | undefined;
  phone?: string | null | undefined;
}

export interface DashboardCode {
  customerId: string;
  code: string;
  period: number;
  expiresInSeconds: number;
}

export interface Enrollment {
  otpauthUri: string;
  secret: string;
  qrSvg: string;
}

interface Deps {
  customers: CustomerRepository;
  verification: VerificationRepository;
  box: SecretBox;
  clock: Clock;
  issuer: string;
}

/** Customer accounts, their dashboard code and authenticator enrollment: what the admin API and CLI call. */
export function createCustomerService({ customers, verification, box, clock, issuer }: Deps) {
  const mustGet = (customerId: string): Customer => {
    const customer = isValidCustomerId(customerId) ? customers.get(customerId) : undefined;
    if (!customer) throw notFound('customer');
    return customer;
  };

  return {
    create(raw: NewCustomerInput): Customer {
      const input = parseNewCustomer(raw);
      if (input.plan !== 'enterprise' && input.tier) {
        throw badField('tier', 'only enterprise customers have a tier');
      }
      if (input.customerId !== undefined && !isValidCustomerId(input.customerId)) {
        throw badField('customerId', 'must be 8 to 12 digits ending in a Luhn check digit');
      }
      const now = clock.now();
      for (let attempt = 0; attempt < 5; attempt++) {
        const customerId = input.customerId ?? generateCustomerId();
        const created = customers.create(
          {
            customerId,
            name: input.name,
            plan: input.plan,
            tier: input.plan === 'enterprise' ? (input.tier ?? 'standard') : null,
            phone: input.phone ?? null,
            createdAt: now,
          },
          sealSecret(box, customerId, 'dashboard', newOtpSecret()),
        );
        if (created) return customers.get(customerId)!;
        if (input.customerId !== undefined) throw conflict('a customer with this ID exists', 'customerId');
      }
      throw new AppError(503, 'unavailable', 'could not allocate a customer ID, try again');
    },

    get: mustGet,

    list(options: { limit: number; after?: string | undefined }): Customer[] {
      return customers.list({ limit: options.limit, ...(options.after ? { after: options.after } : {}) });
    },

    update(customerId: string, raw: CustomerUpdate): Customer {
      const current = mustGet(customerId);
      const update = parseCustomerUpdate(raw);
      const plan = update.plan ?? current.plan;
      if (plan !== 'enterprise' && update.tier) throw badField('tier', 'only enterprise customers have a tier');
      const patch: CustomerPatch = {
        ...(update.name !== undefined && { name: update.name }),
        ...(update.status !== undefined && { status: update.status }),
        ...(update.phone !== undefined && { phone: update.phone }),
        ...(update.plan !== undefined && { plan: update.plan }),
        tier: plan === 'enterprise' ? (update.tier ?? current.tier ?? 'standard') : null,
      };
      return customers.update(customerId, patch, clock.now())!;
    },

    /** The code the dashboard shows now, and how long it has left. */
    dashboardCode(customerId: string): DashboardCode {
      mustGet(customerId);
      const [stored] = customers.secrets(customerId, ['dashboard']);
      if (!stored) throw notFound('dashboard secret');
      const now = clock.now();
      const secret = openSecret(box, customerId, 'dashboard', stored.sealed);
      return {
        customerId,
        code: codeForStep(secret, timeStepAt(now)),
        period: TOTP_PERIOD_SECONDS,
        expiresInSeconds: secondsLeftInStep(now),
      };
    },

    /** Starts enrollment: a pending secret that verifies nothing until confirmed with a code from it. */
    async enrollAuthenticator(customerId: string): Promise<Enrollment> {
      mustGet(customerId);
      const secret = newOtpSecret();
      customers.putPendingAuthenticator(
        customerId,
        sealSecret(box, customerId, 'authenticator-pending', secret),
        clock.now(),
      );
      const encoded = base32Encode(secret);
      const otpauthUri = generateURI({
        issuer,
        label: customerId,
        secret: encoded,
        algorithm: 'sha1',
        digits: 6,
        period: TOTP_PERIOD_SECONDS,
      });
      const qrSvg = await QRCode.toString(otpauthUri, { type: 'svg', errorCorrectionLevel: 'M', margin: 2 });
      return { otpauthUri, secret: encoded, qrSvg };
    },

    /** Confirms the pending authenticator with a code from it; the code's step is spent. */
    confirmAuthenticator(customerId: string, code: string): { confirmed: true } {
      mustGet(customerId);
      const [pending] = customers.secrets(customerId, ['authenticator-pending']);
      if (!pending) throw conflict('no authenticator enrollment is pending: start one first');
      if (!isCodeShaped(code)) throw badField('code', 'must be exactly 6 digits');
      const secret = openSecret(box, customerId, 'authenticator-pending', pending.sealed);
      const step = matchingStep(secret, code, clock.now());
      if (step === null) throw badField('code', 'does not match the authenticator being enrolled');
      const confirmed = customers.confirmAuthenticator(
        customerId,
        pending.sealed.nonce,
        sealSecret(box, customerId, 'authenticator', secret),
        step,
        clock.now(),
      );
      if (!confirmed) throw conflict('the enrollment changed meanwhile: start again');
      return { confirmed: true };
    },

    removeAuthenticator(customerId: string): void {
      mustGet(customerId);
      if (!customers.removeAuthenticator(customerId)) throw notFound('authenticator');
    },

    /** Lifts a lock on the ID (operator action); true if there was anything to clear. */
    unlock(customerId: string): { unlocked: boolean } {
      mustGet(customerId);
      return { unlocked: verification.unlock(customerId) };
    },

    /** Re-seals every secret under the current key in one transaction. */
    rotateKeys(): { resealed: number; keyId: string } {
      const resealed = customers.resealAll((s) =>
        sealSecret(box, s.customerId, s.kind, openSecret(box, s.customerId, s.kind, s.sealed)),
      );
      return { resealed, keyId: box.currentKeyId };
    },
  };
}

export type CustomerService = ReturnType<typeof createCustomerService>;
