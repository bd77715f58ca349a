/**
 * Seeds the benchmark database through the project's own domain code (customer service, agent
 * repository), before the server starts: Enterprise customers with real sealed secrets, and on-duty agents.
 */
import type { Config } from '../src/config.js';
import { SecretBox } from '../src/crypto/secretBox.js';
import { openSecret } from '../src/domain/otpSecrets.js';
import { createHotline } from '../src/hotline.js';
import { createLogger } from '../src/logger.js';

export interface SeededCustomer {
  customerId: string;
  /** The dashboard secret, opened with the project's SecretBox: the bench computes real codes from it. */
  secret: Buffer;
}

export async function seed(config: Config, options: { customers: number; agents: number }): Promise<SeededCustomer[]> {
  const hotline = createHotline({ config, logger: createLogger('warn') });
  const box = new SecretBox(config.secretKeys);
  try {
    // Started together, the creates share the store's group commits: seeding pays one fsync per batch
    // of units of work, not one per customer.
    const now = Date.now();
    await Promise.all(
      Array.from({ length: options.agents }, (_, i) =>
        hotline.store.agents.create(
          { name: `Bench agent ${i + 1}`, phone: `+1415555${String(1000 + i).padStart(4, '0')}`, languages: ['en-US', 'ja-JP'], duty: 'on' },
          now,
        ),
      ),
    );
    const customers = await Promise.all(
      Array.from({ length: options.customers }, (_, i) =>
        hotline.customers.create({
          name: `Bench customer ${i + 1}`,
          plan: 'enterprise',
          tier: i % 4 === 0 ? 'premium' : 'standard',
        }),
      ),
    );
    const seeded: SeededCustomer[] = [];
    for (const customer of customers) {
      const [stored] = await hotline.store.customers.secrets(customer.customerId, ['dashboard']);
      if (!stored) throw new Error(`customer ${customer.customerId} has no dashboard secret`);
      seeded.push({ customerId: customer.customerId, secret: openSecret(box, customer.customerId, 'dashboard', stored.sealed) });
    }
    return seeded;
  } finally {
    await hotline.close();
  }
}
