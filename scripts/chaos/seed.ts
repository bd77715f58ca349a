/**
 * Customers and on-duty agents for the chaos run, made through the project's own domain code on the
 * shared PostgreSQL database (migrated already by the instances). Each customer's dashboard secret is
 * opened here, so each call's code is computed the moment the caller types it.
 */
import type { Config } from '../../src/config.js';
import { SecretBox } from '../../src/crypto/secretBox.js';
import { createPostgresStore } from '../../src/db/postgres/store.js';
import { systemClock } from '../../src/domain/clock.js';
import { openSecret } from '../../src/domain/otpSecrets.js';
import { AGENT_OFFER_HOLD_MS } from '../../src/domain/serviceNumbers.js';
import { createHotline } from '../../src/hotline.js';
import { createLogger } from '../../src/logger.js';

export interface ChaosCustomer {
  customerId: string;
  secret: Buffer;
}

export async function seedChaos(config: Config, options: { customers: number; agents: number }): Promise<ChaosCustomer[]> {
  if (config.database.engine !== 'postgres') throw new Error('the chaos run needs PostgreSQL');
  const store = await createPostgresStore(config.database.url, { clock: systemClock, offerHoldMs: AGENT_OFFER_HOLD_MS, poolSize: 5, statementTimeoutMs: 10_000, acquireTimeoutMs: 10_000, migrate: false });
  const hotline = createHotline({ config, logger: createLogger('warn'), store });
  const box = new SecretBox(config.secretKeys);
  try {
    const now = Date.now();
    for (let i = 0; i < options.agents; i += 1) {
      await store.agents.create({ name: `Chaos agent ${i + 1}`, phone: `+1415555${String(1000 + i).padStart(4, '0')}`, languages: ['en-US'], duty: 'on' }, now);
    }
    const one = async (i: number): Promise<ChaosCustomer> => {
      const customer = await hotline.customers.create({ name: `Chaos customer ${i + 1}`, plan: 'enterprise', tier: i % 4 === 0 ? 'premium' : 'standard' });
      const [stored] = await store.customers.secrets(customer.customerId, ['dashboard']);
      if (!stored) throw new Error(`customer ${customer.customerId} has no dashboard secret`);
      return { customerId: customer.customerId, secret: openSecret(box, customer.customerId, 'dashboard', stored.sealed) };
    };
    // Five at a time, one per pooled connection.
    const customers: ChaosCustomer[] = [];
    for (let i = 0; i < options.customers; i += 5) {
      customers.push(...(await Promise.all(Array.from({ length: Math.min(5, options.customers - i) }, (_, k) => one(i + k)))));
    }
    return customers;
  } finally {
    await hotline.close();
  }
}
