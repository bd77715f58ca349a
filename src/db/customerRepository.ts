import type { Customer, CustomerStatus, Plan, SecretKind, Tier } from '../domain/customer.js';
import type { Sealed } from '../crypto/secretBox.js';
import type { SqliteDb } from './database.js';
import type { Sync } from './sync.js';
import type { NewCustomer, StoredSecret, CustomerRepository } from '../domain/storage/customers.js';

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

export function createSqliteCustomerRepository(db: SqliteDb): Sync<CustomerRepository> {
  const insertCustomer = db.prepare(
    `INSERT INTO customers (customer_id, name, plan, tier, status, phone, created_at, updated_at)
     VALUES (@customerId, @name, @plan, @tier, 'active', @phone, @createdAt, @createdAt)
     ON CONFLICT (customer_id) DO NOTHING`,
  );
  const insertSecret = db.prepare(
    `INSERT INTO otp_secrets (customer_id, kind, ciphertext, nonce, key_id, last_step, created_at)
     VALUES (?, ?, ?, ?, ?, ?, ?)
     ON CONFLICT (customer_id, kind) DO UPDATE SET
       ciphertext = excluded.ciphertext, nonce = excluded.nonce, key_id = excluded.key_id,
       last_step = excluded.last_step, created_at = excluded.created_at`,
  );
  const selectCustomer = db.prepare('SELECT * FROM customers WHERE customer_id = ?');
  const listCustomers = db.prepare(
    'SELECT * FROM customers WHERE customer_id > ? ORDER BY customer_id LIMIT ?',
  );
  const deleteSecret = db.prepare('DELETE FROM otp_secrets WHERE customer_id = ? AND kind = ?');
  const deletePendingIfNonce = db.prepare(
    `DELETE FROM otp_secrets WHERE customer_id = ? AND kind = 'authenticator-pending' AND nonce = ?`,
  );
  const allSecrets = db.prepare('SELECT * FROM otp_secrets');
  const secretsOf = db.prepare('SELECT * FROM otp_secrets WHERE customer_id = ?');
  const keyIds = db.prepare('SELECT DISTINCT key_id FROM otp_secrets ORDER BY key_id').pluck();
  const phones = db.prepare('SELECT DISTINCT phone FROM customers WHERE phone IS NOT NULL').pluck();
  const resealOne = db.prepare(
    'UPDATE otp_secrets SET ciphertext = ?, nonce = ?, key_id = ? WHERE customer_id = ? AND kind = ?',
  );

  const create = db.transaction((c: NewCustomer, secret: Sealed) => {
    if (insertCustomer.run(c).changes === 0) return false;
    insertSecret.run(c.customerId, 'dashboard', secret.ciphertext, secret.nonce, secret.keyId, null, c.createdAt);
    return true;
  });

  const confirm = db.transaction(
    (customerId: string, pendingNonce: Buffer, confirmed: Sealed, step: number, at: number) => {
      if (deletePendingIfNonce.run(customerId, pendingNonce).changes === 0) return false;
      insertSecret.run(customerId, 'authenticator', confirmed.ciphertext, confirmed.nonce, confirmed.keyId, step, at);
      return true;
    },
  );

  const remove = db.transaction((customerId: string) => {
    const confirmed = deleteSecret.run(customerId, 'authenticator').changes;
    const pending = deleteSecret.run(customerId, 'authenticator-pending').changes;
    return confirmed + pending > 0;
  });

  return {
    create: (c, secret) => create.immediate(c, secret),
    get(customerId) {
      const row = selectCustomer.get(customerId) as CustomerRow | undefined;
      return row && toCustomer(row);
    },
    list({ limit, after }) {
      return (listCustomers.all(after ?? '', limit) as CustomerRow[]).map(toCustomer);
    },
    update(customerId, patch, at) {
      const sets: string[] = [];
      const values: Record<string, unknown> = { customerId, at };
      for (const [key, column] of [
        ['name', 'name'],
        ['plan', 'plan'],
        ['tier', 'tier'],
        ['status', 'status'],
        ['phone', 'phone'],
      ] as const) {
        if (patch[key] !== undefined) {
          sets.push(`${column} = @${key}`);
          values[key] = patch[key];
        }
      }
      sets.push('updated_at = @at');
      const row = db
        .prepare(`UPDATE customers SET ${sets.join(', ')} WHERE customer_id = @customerId RETURNING *`)
        .get(values) as CustomerRow | undefined;
      return row && toCustomer(row);
    },
    secrets(customerId, kinds) {
      return (secretsOf.all(customerId) as SecretRow[]).filter((r) => kinds.includes(r.kind)).map(toSecret);
    },
    putPendingAuthenticator(customerId, sealed, at) {
      insertSecret.run(customerId, 'authenticator-pending', sealed.ciphertext, sealed.nonce, sealed.keyId, null, at);
    },
    confirmAuthenticator: (customerId, pendingNonce, confirmed, step, at) =>
      confirm.immediate(customerId, pendingNonce, confirmed, step, at),
    removeAuthenticator: (customerId) => remove.immediate(customerId),
    allSecretsForUpdate: () => (allSecrets.all() as SecretRow[]).map(toSecret),
    replaceSealed: (customerId, kind, next) => resealOne.run(next.ciphertext, next.nonce, next.keyId, customerId, kind).changes > 0,
    sealingKeyIds: () => keyIds.all() as string[],
    phonesOnFile: () => phones.all() as string[],
  };
}
