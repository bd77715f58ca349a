import type { Customer, CustomerStatus, Plan, SecretKind, Tier } from '../customer.js';
import type { Sealed } from '../../crypto/secretBox.js';

export interface NewCustomer {
  customerId: string;
  name: string;
  plan: Plan;
  tier: Tier | null;
  phone: string | null;
  createdAt: number;
}

export interface CustomerPatch {
  name?: string;
  plan?: Plan;
  tier?: Tier | null;
  status?: CustomerStatus;
  phone?: string | null;
}

export interface StoredSecret {
  customerId: string;
  kind: SecretKind;
  sealed: Sealed;
  lastStep: number | null;
}

/** Customers and the sealed secrets behind their codes. */
export interface CustomerRepository {
  /** Creates the customer with its dashboard secret in one transaction; false if the ID is taken. */
  create(customer: NewCustomer, dashboardSecret: Sealed): Promise<boolean>;
  get(customerId: string): Promise<Customer | undefined>;
  /** Customers ordered by ID, after the given ID. */
  list(options: { limit: number; after?: string }): Promise<Customer[]>;
  update(customerId: string, patch: CustomerPatch, at: number): Promise<Customer | undefined>;
  /** The customer's secrets of the given kinds. */
  secrets(customerId: string, kinds: SecretKind[]): Promise<StoredSecret[]>;
  /** Stores (or replaces) the pending authenticator secret. */
  putPendingAuthenticator(customerId: string, sealed: Sealed, at: number): Promise<void>;
  /**
   * Promotes the pending authenticator: removes the pending row and stores the confirmed secret,
   * with the confirming code's step already spent. False if the pending secret changed meanwhile.
   */
  confirmAuthenticator(customerId: string, pendingKeyNonce: Buffer, confirmed: Sealed, step: number, at: number): Promise<boolean>;
  /** Removes the confirmed and any pending authenticator; false if there was none. */
  removeAuthenticator(customerId: string): Promise<boolean>;
  /**
   * Every stored secret, for a unit of work that re-seals them (key rotation). An implementation shared
   * by several instances locks them until the unit ends (PostgreSQL: SELECT ... FOR UPDATE), so no
   * enrolment replaces one meanwhile; SQLite's units run one at a time already.
   */
  allSecretsForUpdate(): Promise<StoredSecret[]>;
  /** Replaces a secret's sealed bytes (the same secret under another key), keeping its spent step; false if there is none. */
  replaceSealed(customerId: string, kind: SecretKind, sealed: Sealed): Promise<boolean>;
  /** The ids of the keys the stored secrets are sealed with. */
  sealingKeyIds(): Promise<string[]>;
  /** Every distinct phone on file, for the countries the line serves. */
  phonesOnFile(): Promise<string[]>;
}
