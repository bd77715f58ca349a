/*
 * What every contract suite shares: a store per test on a fixed clock, and records to put in it.
 * Nothing here reads the wall clock: every instant is T0 or a fixed distance from it.
 */
import { afterEach, beforeEach } from 'vitest';
import type { Sealed } from '../../../src/crypto/secretBox.js';
import { ManualClock } from '../../../src/domain/clock.js';
import type { Agent, NewAgent } from '../../../src/domain/storage/agents.js';
import type { Callback, NewCallback } from '../../../src/domain/storage/callbacks.js';
import type { CallRecord } from '../../../src/domain/storage/calls.js';
import type { NewCustomer } from '../../../src/domain/storage/customers.js';
import type { Store } from '../../../src/domain/storage/index.js';
import type { AuditEntry } from '../../../src/domain/storage/verification.js';
import type { StoreSubject } from '../subject.js';

export const SECOND = 1000;
export const MINUTE = 60 * SECOND;
export const HOUR = 60 * MINUTE;
/** Wednesday 15 January 2025, 10:00 UTC: the instant every test starts at. */
export const T0 = Date.UTC(2025, 0, 15, 10, 0, 0);
/** How long an offered agent is held (the service's own number is not the point here). */
export const OFFER_HOLD_MS = 30 * SECOND;

/** The store of the running test, its clock, and more instances of the service on the same database. */
export interface StoreUnderTest {
  store: Store;
  clock: ManualClock;
  /** Another instance (its own connection) on the same database. */
  another(): Promise<Store>;
}

/** A fresh store for each test of the suite, on a clock standing at T0. */
export function useStore(subject: StoreSubject): StoreUnderTest {
  const t = { another: () => subject.openAnother() } as StoreUnderTest;
  beforeEach(async () => {
    t.clock = new ManualClock(T0);
    t.store = await subject.open({ clock: t.clock, offerHoldMs: OFFER_HOLD_MS });
  });
  afterEach(() => subject.close());
  return t;
}

/** How many of the answers are true (or, for claims, defined). */
export const winners = (answers: readonly unknown[]): number => answers.filter((a) => a !== false && a !== undefined && a !== null).length;

/** A Twilio CallSid made from a number: CA and 32 hex digits. */
export const sid = (n: number): string => `CA${n.toString(16).padStart(32, '0')}`;

/** An 8-digit customer ID made from a number. */
export const customerId = (n: number): string => String(10_000_000 + n);

/** A sealed secret whose bytes are all `fill`: distinct fills tell secrets apart. */
export const sealed = (fill: number, keyId = 'key-1'): Sealed => ({
  ciphertext: Buffer.alloc(32, fill),
  nonce: Buffer.alloc(12, fill),
  keyId,
});

export const newCustomer = (id: string, overrides: Partial<NewCustomer> = {}): NewCustomer => ({
  customerId: id,
  name: `Customer ${id}`,
  plan: 'enterprise',
  tier: 'standard',
  phone: '+15550100001',
  createdAt: T0,
  ...overrides,
});

/** Creates an Enterprise customer with a dashboard secret; returns the ID. */
export async function addCustomer(store: Store, n = 1, overrides: Partial<NewCustomer> = {}): Promise<string> {
  const id = customerId(n);
  if (!(await store.customers.create(newCustomer(id, overrides), sealed(n)))) throw new Error(`customer ${id} exists`);
  return id;
}

/** Creates an agent on duty unless the input says otherwise. */
export function addAgent(store: Store, name: string, overrides: Partial<NewAgent> = {}, at = T0): Promise<Agent> {
  return store.agents.create({ name, phone: '+15550199000', languages: ['en-US'], onDuty: true, ...overrides }, at);
}

export const newCallback = (customer: string, n: number, overrides: Partial<NewCallback> = {}): NewCallback => ({
  reference: `CB-${n}`,
  customerId: customer,
  callSid: sid(n),
  priority: 'P1',
  tier: 'standard',
  phone: '+15550100002',
  language: 'en-US',
  reason: 'no-agent-answered',
  createdAt: T0,
  dueAt: T0 + HOUR,
  ...overrides,
});

export function addCallback(store: Store, customer: string, n: number, overrides: Partial<NewCallback> = {}): Promise<Callback> {
  return store.callbacks.schedule(newCallback(customer, n, overrides));
}

export const callRecord = (callSid: string, overrides: Partial<CallRecord> = {}): CallRecord => ({
  callSid,
  flow: 'emergency',
  state: 'ask-customer-id',
  context: { tries: 0 },
  step: 0,
  lastInputKey: null,
  lastResponse: null,
  from: '+15550100003',
  to: '+18005550100',
  language: 'en-US',
  customerId: null,
  priority: null,
  outcome: null,
  startedAt: T0,
  updatedAt: T0,
  endedAt: null,
  ...overrides,
});

export const auditEntry = (customer: string, overrides: Partial<AuditEntry> = {}): AuditEntry => ({
  at: T0,
  customerId: customer,
  caller: '+15550100003',
  callSid: null,
  result: 'verified',
  reason: 'ok',
  factor: 'dashboard',
  ...overrides,
});
