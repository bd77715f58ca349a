import type { Sealed } from '../../crypto/secretBox.js';
import type { Customer, CustomerStatus, Plan, SecretKind, Tier } from '../../domain/customer.js';
import type { CustomerRepository, StoredSecret } from '../../domain/storage/customers.js';
import type { Sql } from './sql.js';

interface CustomerRow {
  customer_id: string;
  name: string;
  plan: Plan;
  tier: Tier | null;
  status: CustomerStatus;
  phone: string | null;
  created_at: number;
  updated_at: number;
}

interface SecretRow {
  customer_id: string;
  kind: SecretKind;
  ciphertext: Buffer;
  nonce: Buffer;
  key_id: string;
  last_step: number | null;
}

const toCustomer = (r: CustomerRow): Customer => ({
  customerId: r.customer_id,
  name: r.name,
  plan: r.plan,
  tier: r.tier,
  status: r.status,
  phone: r.phone,
  createdAt: r.created_at,
  updatedAt: r.updated_at,
});

const toSecret = (r: SecretRow): StoredSecret => ({
  customerId: r.customer_id,
  kind: r.kind,
  sealed: { ciphertext: r.ciphertext, nonce: r.nonce, keyId: r.key_id },
  lastStep: r.last_step,
});

const PUT_SECRET = `INSERT INTO otp_secrets (customer_id, kind, ciphertext, nonce, key_id, last_step, created_at)
  VALUES ($1, $2, $3, $4, $5, $6, $7)
  ON CONFLICT (customer_id, kind) DO UPDATE SET
    ciphertext = excluded.ciphertext, nonce = excluded.nonce, key_id = excluded.key_id,
    last_step = excluded.last_step, created_at = excluded.created_at`;

const PATCHABLE = ['name', 'plan', 'tier', 'status', 'phone'] as const;

/** Customers and their sealed secrets on PostgreSQL. */
export function createPgCustomerRepository(sql: Sql): CustomerRepository {
  const putSecret = (q: Sql, customerId: string, kind: SecretKind, s: Sealed, step: number | null, at: number) =>
    q.run(PUT_SECRET, [customerId, kind, s.ciphertext, s.nonce, s.keyId, step, at]);

  return {
    create: (c, secret) =>
      sql.transaction(async (q) => {
        const inserted = await q.run(
          `INSERT INTO customers (customer_id, name, plan, tier, status, phone, created_at, updated_at)
           VALUES ($1, $2, $3, $4, 'active', $5, $6, $6) ON CONFLICT (customer_id) DO NOTHING`,
          [c.customerId, c.name, c.plan, c.tier, c.phone, c.createdAt],
        );
        if (inserted === 0) return false;
        await putSecret(q, c.customerId, 'dashboard', secret, null, c.createdAt);
        return true;
      }),
    async get(customerId) {
      const row = await sql.row<CustomerRow>('SELECT * FROM customers WHERE customer_id = $1', [customerId]);
      return row && toCustomer(row);
    },
    async list({ limit, after }) {
      const rows = await sql.rows<CustomerRow>('SELECT * FROM customers WHERE customer_id > $1 ORDER BY customer_id LIMIT $2', [after ?? '', limit]);
      return rows.map(toCustomer);
    },
    async update(customerId, patch, at) {
      const values: unknown[] = [customerId, at];
      const sets = ['updated_at = $2'];
      for (const key of PATCHABLE) {
        if (patch[key] !== undefined) {
          values.push(patch[key]);
          sets.push(`${key} = $${values.length}`);
        }
      }
      const row = await sql.row<CustomerRow>(`UPDATE customers SET ${sets.join(', ')} WHERE customer_id = $1 RETURNING *`, values);
      return row && toCustomer(row);
    },
    async secrets(customerId, kinds) {
      const rows = await sql.rows<SecretRow>('SELECT * FROM otp_secrets WHERE customer_id = $1 AND kind = ANY($2)', [customerId, kinds]);
      return rows.map(toSecret);
    },
    async putPendingAuthenticator(customerId, sealed, at) {
      await putSecret(sql, customerId, 'authenticator-pending', sealed, null, at);
    },
    confirmAuthenticator: (customerId, pendingNonce, confirmed, step, at) =>
      sql.transaction(async (q) => {
        // The delete takes the pending row's lock: of two confirmations racing, the second finds it gone.
        const removed = await q.run(
          `DELETE FROM otp_secrets WHERE customer_id = $1 AND kind = 'authenticator-pending' AND nonce = $2`,
          [customerId, pendingNonce],
        );
        if (removed === 0) return false;
        await putSecret(q, customerId, 'authenticator', confirmed, step, at);
        return true;
      }),
    async removeAuthenticator(customerId) {
      const removed = await sql.run(`DELETE FROM otp_secrets WHERE customer_id = $1 AND kind IN ('authenticator', 'authenticator-pending')`, [customerId]);
      return removed > 0;
    },
    allSecretsForUpdate: async () => (await sql.rows<SecretRow>('SELECT * FROM otp_secrets ORDER BY customer_id, kind FOR UPDATE')).map(toSecret),
    replaceSealed: async (customerId, kind, next) =>
      (await sql.run('UPDATE otp_secrets SET ciphertext = $1, nonce = $2, key_id = $3 WHERE customer_id = $4 AND kind = $5', [
        next.ciphertext,
        next.nonce,
        next.keyId,
        customerId,
        kind,
      ])) > 0,
    async sealingKeyIds() {
      return (await sql.rows<{ key_id: string }>('SELECT DISTINCT key_id FROM otp_secrets ORDER BY key_id')).map((r) => r.key_id);
    },
    async phonesOnFile() {
      return (await sql.rows<{ phone: string }>('SELECT DISTINCT phone FROM customers WHERE phone IS NOT NULL')).map((r) => r.phone);
    },
  };
}
