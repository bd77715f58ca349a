import QRCode from 'qrcode';
import { generateURI } from 'otplib';
import type { SecretBox } from '../crypto/secretBox.js';
import type { CustomerPatch, CustomerRepository } from './storage/customers.js';
import type { Store } from './storage/index.js';
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

type Deps = Pick<Store, 'customers' | 'unitOfWork'> & {
  box: SecretBox;
  clock: Clock;
  issuer: string;
};

/** Customer accounts, their dashboard code and authenticator enrollment: what the admin API and CLI call. */
export function createCustomerService({ customers, unitOfWork, box, clock, issuer }: Deps) {
  /** The customer, read from `repo` (the store, or a unit of work's); not found for an unknown or malformed ID. */
  const mustGet = async (customerId: string, repo: CustomerRepository = customers): Promise<Customer> => {
    const customer = isValidCustomerId(customerId) ? await repo.get(customerId) : undefined;
    if (!customer) throw notFound('customer');
    return customer;
  };

  return {
    async create(raw: NewCustomerInput): Promise<Customer> {
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
        const newCustomer = {
          customerId,
          name: input.name,
          plan: input.plan,
          tier: input.plan === 'enterprise' ? (input.tier ?? 'standard') : null,
          phone: input.phone ?? null,
          createdAt: now,
        };
        const dashboardSecret = sealSecret(box, customerId, 'dashboard', newOtpSecret());
        // The customer as created, read in the same transaction.
        const created = await unitOfWork(async (tx) =>
          (await tx.customers.create(newCustomer, dashboardSecret)) ? tx.customers.get(customerId) : undefined,
        );
        if (created) return created;
        if (input.customerId !== undefined) throw conflict('a customer with this ID exists', 'customerId');
      }
      throw new AppError(503, 'unavailable', 'could not allocate a customer ID, try again');
    },

    get: (customerId: string): Promise<Customer> => mustGet(customerId),

    list(options: { limit: number; after?: string | undefined }): Promise<Customer[]> {
      return customers.list({ limit: options.limit, ...(options.after ? { after: options.after } : {}) });
    },

    update(customerId: string, raw: CustomerUpdate): Promise<Customer> {
      // The tier kept depends on the plan read: read and write in one transaction.
      return unitOfWork(async (tx) => {
        const current = await mustGet(customerId, tx.customers);
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
        return (await tx.customers.update(customerId, patch, clock.now()))!;
      });
    },

    /** The code the dashboard shows now, and how long it has left. */
    async dashboardCode(customerId: string): Promise<DashboardCode> {
      await mustGet(customerId);
      const [stored] = await customers.secrets(customerId, ['dashboard']);
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

    /**
     * The code the customer's panel shows: as the dashboard's, and whether a call has already spent
     * it (the caller must then wait for the next one, which `expiresInSeconds` counts down to).
     */
    async panelCode(customerId: string): Promise<DashboardCode & { spent: boolean }> {
      await mustGet(customerId);
      const [stored] = await customers.secrets(customerId, ['dashboard']);
      if (!stored) throw notFound('dashboard secret');
      const now = clock.now();
      const step = timeStepAt(now);
      const secret = openSecret(box, customerId, 'dashboard', stored.sealed);
      return {
        customerId,
        code: codeForStep(secret, step),
        period: TOTP_PERIOD_SECONDS,
        expiresInSeconds: secondsLeftInStep(now),
        spent: stored.lastStep !== null && stored.lastStep >= step,
      };
    },

    /** Whether the customer has a confirmed authenticator, and whether an enrollment waits for its first code. */
    async authenticatorState(customerId: string): Promise<{ enrolled: boolean; pending: boolean }> {
      await mustGet(customerId);
      const kinds = new Set((await customers.secrets(customerId, ['authenticator', 'authenticator-pending'])).map((s) => s.kind));
      return { enrolled: kinds.has('authenticator'), pending: kinds.has('authenticator-pending') };
    },

    /** Starts enrollment: a pending secret that verifies nothing until confirmed with a code from it. */
    async enrollAuthenticator(customerId: string): Promise<Enrollment> {
      const secret = newOtpSecret();
      await unitOfWork(async (tx) => {
        await mustGet(customerId, tx.customers);
        await tx.customers.putPendingAuthenticator(
          customerId,
          sealSecret(box, customerId, 'authenticator-pending', secret),
          clock.now(),
        );
      });
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
    async confirmAuthenticator(customerId: string, code: string): Promise<{ confirmed: true }> {
      await mustGet(customerId);
      const [pending] = await customers.secrets(customerId, ['authenticator-pending']);
      if (!pending) throw conflict('no authenticator enrollment is pending: start one first');
      if (!isCodeShaped(code)) throw badField('code', 'must be exactly 6 digits');
      const secret = openSecret(box, customerId, 'authenticator-pending', pending.sealed);
      const step = matchingStep(secret, code, clock.now());
      if (step === null) throw badField('code', 'does not match the authenticator being enrolled');
      // Guarded by the pending secret's nonce: a new enrollment since the read makes this false.
      const confirmed = await customers.confirmAuthenticator(
        customerId,
        pending.sealed.nonce,
        sealSecret(box, customerId, 'authenticator', secret),
        step,
        clock.now(),
      );
      if (!confirmed) throw conflict('the enrollment changed meanwhile: start again');
      return { confirmed: true };
    },

    removeAuthenticator(customerId: string): Promise<void> {
      return unitOfWork(async (tx) => {
        await mustGet(customerId, tx.customers);
        if (!(await tx.customers.removeAuthenticator(customerId))) throw notFound('authenticator');
      });
    },

    /** Lifts a lock on the ID (operator action); true if there was anything to clear. */
    unlock(customerId: string): Promise<{ unlocked: boolean }> {
      return unitOfWork(async (tx) => {
        await mustGet(customerId, tx.customers);
        return { unlocked: await tx.verification.unlock(customerId) };
      });
    },

    /** Re-seals every secret under the current key in one transaction. */
    async rotateKeys(): Promise<{ resealed: number; keyId: string }> {
      const resealed = await unitOfWork(async (tx) => {
        const secrets = await tx.customers.allSecretsForUpdate();
        for (const s of secrets) {
          const next = sealSecret(box, s.customerId, s.kind, openSecret(box, s.customerId, s.kind, s.sealed));
          await tx.customers.replaceSealed(s.customerId, s.kind, next);
        }
        return secrets.length;
      });
      return { resealed, keyId: box.currentKeyId };
    },
  };
}

export type CustomerService = ReturnType<typeof createCustomerService>;
