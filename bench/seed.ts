/**
 * Seeds the benchmark database through the project's own domain code and the storage port (customer
 * service, agent repository), before the server starts: Enterprise customers with real sealed secrets,
 * and on-duty agents. The store is the one the configuration names: the SQLite file, or PostgreSQL
 * when HOTLINE_DATABASE_URL is set (migrated here, as the server's start-up would).
 */
import type { Config } from '../src/config.js';
import { SecretBox } from '../src/crypto/secretBox.js';
import { createPostgresStore } from '../src/db/postgres/store.js';
import { openSecret } from '../src/domain/otpSecrets.js';
import { AGENT_OFFER_HOLD_MS } from '../src/domain/serviceNumbers.js';
import type { Store } from '../src/domain/storage/index.js';
import { createHotline } from '../src/hotline.js';
import { createLogger } from '../src/logger.js';
import { systemClock } from '../src/domain/clock.js';

export interface SeededCustomer {
  customerId: string;
  /** The dashboard secret, opened with the project's SecretBox: the bench computes real codes from it. */
  secret: Buffer;
}

/** `count` calls of fn, at most `limit` in flight at once; the results in order. */
async function inParallel<T>(count: number, limit: number, fn: (i: number) => Promise<T>): Promise<T[]> {
  const out = new Array<T>(count);
  let next = 0;
  const worker = async () => {
    for (let i = next++; i < count; i = next++) out[i] = await fn(i);
  };
  await Promise.all(Array.from({ length: Math.min(limit, count) }, worker));
  return out;
}

export async function seed(config: Config, options: { customers: number; agents: number }): Promise<SeededCustomer[]> {
  const database = config.database;
  // PostgreSQL: a pool of the server's size, with time to wait for it (the seeding queues on it, the
  // server's acquire timeout is meant for webhooks).
  const store: Store | undefined =
    database.engine === 'postgres'
      ? await createPostgresStore(database.url, {
          clock: systemClock,
          offerHoldMs: AGENT_OFFER_HOLD_MS,
          poolSize: database.poolSize,
          statementTimeoutMs: 60_000,
          acquireTimeoutMs: 60_000,
        })
      : undefined;
  const hotline = createHotline({ config, logger: createLogger('warn'), ...(store && { store }) });
  const box = new SecretBox(config.secretKeys);
  // SQLite: started together, the creates share the store's group commits, one fsync per batch of
  // units of work rather than one per customer. PostgreSQL: two per pooled connection, so that one is
  // always ready when a connection comes free.
  const limit = database.engine === 'postgres' ? 2 * database.poolSize : options.customers;
  try {
    const now = Date.now();
    await Promise.all(
      Array.from({ length: options.agents }, (_, i) =>
        hotline.store.agents.create(
          { name: `Bench agent ${i + 1}`, phone: `+1415555${String(1000 + i).padStart(4, '0')}`, languages: ['en-US', 'ja-JP'], duty: 'on' },
          now,
        ),
      ),
    );
    const customers = await inParallel(options.customers, limit, (i) =>
      hotline.customers.create({
        name: `Bench customer ${i + 1}`,
        plan: 'enterprise',
        tier: i % 4 === 0 ? 'premium' : 'standard',
      }),
    );
    return await inParallel(customers.length, limit, async (i) => {
      const customer = customers[i]!;
      const [stored] = await hotline.store.customers.secrets(customer.customerId, ['dashboard']);
      if (!stored) throw new Error(`customer ${customer.customerId} has no dashboard secret`);
      return { customerId: customer.customerId, secret: openSecret(box, customer.customerId, 'dashboard', stored.sealed) };
    });
  } finally {
    await hotline.close();
  }
}
