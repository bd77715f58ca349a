import { z } from 'zod';
import { CUSTOMER_STATUSES, E164, PLANS, TIERS } from './customer.js';
import type { CustomerUpdate, NewCustomerInput } from './customers.js';
import { badField } from './errors.js';
import { displayName } from './names.js';

// The service checks its own input so every caller (admin API, operator CLI, scripts) gets the same
// rules; the database CHECKs alone would let a malformed phone number through and fail others unreadably.
const phone = z.string().regex(E164, 'must be an E.164 phone number such as +14155550100');

const newCustomer = z.object({
  name: displayName,
  plan: z.enum(PLANS),
  tier: z.enum(TIERS).optional(),
  phone: phone.optional(),
  customerId: z.string().optional(),
});

const customerUpdate = z.object({
  name: displayName.optional(),
  plan: z.enum(PLANS).optional(),
  tier: z.enum(TIERS).optional(),
  status: z.enum(CUSTOMER_STATUSES).optional(),
  phone: phone.nullable().optional(),
});

function parseOrBadField<T extends z.ZodType>(schema: T, input: unknown): z.infer<T> {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  const issue = result.error.issues[0]!;
  throw badField(issue.path.length ? issue.path.join('.') : 'body', issue.message);
}

/** Validates a new customer from any caller; a bad value is a 400 naming the field. */
export function parseNewCustomer(input: unknown): NewCustomerInput {
  return parseOrBadField(newCustomer, input);
}

/** Validates a customer change from any caller; a bad value is a 400 naming the field. */
export function parseCustomerUpdate(input: unknown): CustomerUpdate {
  return parseOrBadField(customerUpdate, input);
}
