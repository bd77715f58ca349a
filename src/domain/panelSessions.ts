import { z } from 'zod';
import type { SecretBox } from '../crypto/secretBox.js';
import type { Caller } from './apiKeys.js';
import type { Clock } from './clock.js';
import type { Customer } from './customer.js';
import { isValidCustomerId } from './customerId.js';
import { AppError, notFound } from './errors.js';
import type { ApiKeyRepository } from './storage/apiKeys.js';
import type { CustomerRepository } from './storage/customers.js';

/** Every panel session token starts with this; it is not an API key and opens nothing else. */
export const PANEL_SESSION_PREFIX = 'hl_panel_';
/** Longest token taken in: a customer ID, a time and a key id in base64url JSON, and the signature. */
const MAX_TOKEN_LENGTH = 256;
const TOKEN_SHAPE = /^hl_panel_([A-Za-z0-9_-]{1,180})\.([A-Za-z0-9_-]{43})$/;

/**
 * What the token carries, signed: the customer (c), when it ends in ms (e), and the API key that made
 * it (k; 0 for the admin token), so that revoking that key ends its sessions at once.
 */
const payloadShape = z.strictObject({
  c: z.string().refine(isValidCustomerId),
  e: z.number().int().positive(),
  k: z.number().int().nonnegative(),
});

/** A session the panel's requests act in: one customer, until it ends. */
export interface PanelSession {
  customerId: string;
  expiresAt: number;
}

/** Why a customer has no emergency line panel: a reason code for the panel and a sentence it can show. */
export function panelRefusal(customer: Customer): { reason: 'not_enterprise' | 'suspended'; message: string } | undefined {
  if (customer.plan !== 'enterprise') return { reason: 'not_enterprise', message: 'the emergency line is part of Enterprise plans' };
  if (customer.status === 'suspended') return { reason: 'suspended', message: 'the emergency line is not available while the account is suspended' };
  return undefined;
}

const refused = (refusal: NonNullable<ReturnType<typeof panelRefusal>>) =>
  new AppError(403, 'not_eligible', refusal.message, undefined, { reason: refusal.reason });
const expiredOrInvalid = () => new AppError(401, 'unauthorized', 'the panel session is invalid or has expired: open the panel again');

/**
 * Panel sessions: short-lived tokens bound to one customer, made by the vendor's backend with a
 * dashboard key and handed to that customer's browser. Stateless: an HMAC-SHA-256 over the customer,
 * the end time and the key that made it, with a key derived from the secret key, so every instance
 * checks them without a table. Each use re-reads the customer and the key: a customer suspended or
 * moved off Enterprise, or a key revoked, ends the sessions at once, not when they expire.
 */
export function createPanelSessions(deps: {
  box: SecretBox;
  clock: Clock;
  lifetimeMs: number;
  customers: CustomerRepository;
  apiKeys: ApiKeyRepository;
}) {
  const signer = deps.box.signer('panel-session');

  const eligible = async (customerId: string): Promise<Customer> => {
    const customer = isValidCustomerId(customerId) ? await deps.customers.get(customerId) : undefined;
    if (!customer) throw notFound('customer');
    const refusal = panelRefusal(customer);
    if (refusal) throw refused(refusal);
    return customer;
  };

  return {
    /** A session for one Enterprise customer in good standing, made by `caller`. */
    async mint(customerId: string, caller: Caller): Promise<PanelSession & { token: string }> {
      await eligible(customerId);
      const expiresAt = deps.clock.now() + deps.lifetimeMs;
      const payload = Buffer.from(
        JSON.stringify({ c: customerId, e: expiresAt, k: caller.kind === 'api-key' ? caller.key.id : 0 }),
      ).toString('base64url');
      return { token: `${PANEL_SESSION_PREFIX}${payload}.${signer.sign(payload)}`, customerId, expiresAt };
    },

    /**
     * The session a token opens: 401 when it is malformed, tampered with, expired, or made with a key
     * since revoked; 403 with the reason when its customer may no longer use the line.
     */
    async open(token: string | undefined): Promise<PanelSession> {
      if (!token || token.length > MAX_TOKEN_LENGTH) throw expiredOrInvalid();
      const match = TOKEN_SHAPE.exec(token);
      if (!match || !signer.verify(match[1]!, match[2]!)) throw expiredOrInvalid();
      let payload: z.infer<typeof payloadShape>;
      try {
        payload = payloadShape.parse(JSON.parse(Buffer.from(match[1]!, 'base64url').toString('utf8')));
      } catch {
        throw expiredOrInvalid();
      }
      if (payload.e <= deps.clock.now()) throw expiredOrInvalid();
      if (payload.k !== 0) {
        const key = await deps.apiKeys.get(payload.k);
        if (!key || key.revokedAt !== null) throw expiredOrInvalid();
      }
      try {
        await eligible(payload.c);
      } catch (err) {
        // A customer who no longer exists opens nothing; a refusal keeps its reason for the panel.
        if (err instanceof AppError && err.status === 404) throw expiredOrInvalid();
        throw err;
      }
      return { customerId: payload.c, expiresAt: payload.e };
    },
  };
}

export type PanelSessions = ReturnType<typeof createPanelSessions>;
