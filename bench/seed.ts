/**
 * Seeds the benchmark database through the project's own domain code (customer service, agent
 * repository), before the server starts: Enterprise customers with real sealed secrets, and on-duty agents.
 */
import type { Config } from '../src/config.js';
import { SecretBox } from '../src/crypto/secretBox.js';
import { openDatabase } from '../src/db/database.js';
import { openSecret } from '../src/domain/otpSecrets.js';
import { createHotline } from '../src/hotline.js';
import { createLogger } from '../src/logger.js';

export interface SeededCustomer {
  customerId: string;
  /** The dashboard secret, opened with the project's SecretBox: the bench computes real codes from it. */
  secret: Buffer;
}

export function seed(config: Config, options: { customers: number; agents: number }): SeededCustomer[] {
  const db = openDatabase(config.dbPath);
  const hotline = createHotline({ config, logger: createLogger('warn'), db });
  const box = new SecretBox(config.secretKeys);
  const seeded: SeededCustomer[] = [];
  try {
    // One outer transaction: each create becomes a savepoint, so seeding pays one fsync, not one per customer.
    const run = db.transaction(() => {
      const now = Date.now();
      for (let i = 0; i < options.agents; i++) {
        hotline.repos.agents.create(
          { name: `Bench agent ${i + 1}`, phone: `+1415555${String(1000 + i).padStart(4, '0')}`, languages: ['en-US', 'ja-JP'], duty: 'on' },
          now,
        );
      }
      for (let i = 0; i < options.customers; i++) {
        const customer = hotline.customers.create({
          name: `Bench customer ${i + 1}`,
          plan: 'enterprise',
          tier: i % 4 === 0 ? 'premium' : 'standard',
        });
        const [stored] = hotline.repos.customers.secrets(customer.customerId, ['dashboard']);
        if (!stored) throw new Error(`customer ${customer.customerId} has no dashboard secret`);
        seeded.push({ customerId: customer.customerId, secret: openSecret(box, customer.customerId, 'dashboard', stored.sealed) });
      }
    });
    run();
  } finally {
    hotline.close();
  }
  return seeded;
}
