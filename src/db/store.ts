import type { Clock } from '../domain/clock.js';
import type { Repositories, Store } from '../domain/storage/index.js';
import { createSqliteAgentRepository } from './agentRepository.js';
import { createSqliteApiKeyRepository } from './apiKeyRepository.js';
import { createSqliteCallbackDeskRepository } from './callbackDeskRepository.js';
import { createSqliteCallbackDialerRepository } from './callbackDialerRepository.js';
import { createSqliteCallbackRepository } from './callbackRepository.js';
import { createSqliteCallRepository } from './callRepository.js';
import { createCommitBatch, type CommitBatch } from './commitBatch.js';
import { createSqliteCredentialRepository } from './credentialRepository.js';
import { createSqliteCustomerRepository } from './customerRepository.js';
import { createSqliteEscalationRepository } from './escalationRepository.js';
import { createSqliteFailureCountRepository } from './failureCountRepository.js';
import { checkDatabase, closeDatabase, type SqliteDb } from './database.js';
import { createSqliteNumberRepository } from './numberRepository.js';
import { createSqliteQueueRepository } from './queueRepository.js';
import { createSqliteSessionRepository } from './sessionRepository.js';
import type { Sync } from './sync.js';
import { createSqliteVerificationRepository } from './verificationRepository.js';

type SyncRepositories = { [K in keyof Repositories]: Sync<Repositories[K]> };

/**
 * The methods that change something. Called on the store itself, each is a unit of work of its own
 * (so it resolves once committed); every other method reads and answers at once.
 */
const WRITES: { [K in keyof Repositories]: ReadonlyArray<keyof Repositories[K]> } = {
  customers: ['create', 'update', 'putPendingAuthenticator', 'confirmAuthenticator', 'removeAuthenticator', 'replaceSealed'],
  verification: ['consumeStep', 'spendRefusedStep', 'saveFailureState', 'recordRefusal', 'unlock'],
  agents: ['create', 'update', 'remove', 'markOffered', 'reserve', 'setRoster', 'markOnCall', 'markAvailable', 'markCallEnded', 'release'],
  callbacks: ['schedule', 'scheduleUnverified', 'changePhone', 'attachRecording'],
  calls: ['start', 'advance', 'end'],
  queue: ['enqueue', 'offerHead', 'requestCallback', 'close', 'abandon'],
  numbers: ['setLanguage'],
  credentials: ['setPassword', 'countAttempt', 'recordSuccess'],
  sessions: ['create', 'touch', 'delete', 'purgeExpired'],
  desk: ['addNote', 'claim', 'release', 'complete'],
  dialer: [
    'claimNext',
    'recordCallPlaced',
    'releaseForRetry',
    'markBreaches',
    'extendLease',
    'recordLegEvent',
    'updateLeg',
    'moveCallback',
    'confirmLeg',
    'recordAccept',
    'addLeg',
  ],
  escalations: ['claim', 'settle'],
  apiKeys: ['create', 'revoke', 'recordUse'],
  failureCounts: ['count', 'clear'],
};

type AnyMethod = (...args: unknown[]) => unknown;

/** The most parameters a repository method takes; a wrapper passes this many through. */
const MAX_PARAMETERS = 7;

/**
 * A method answered at once, as a promise: a throw becomes a rejection, as it would from a server.
 * Fixed parameters rather than a rest parameter: every storage call of every webhook goes through
 * here, and a rest parameter allocates an array per call. Missing arguments arrive as undefined, as
 * they would have, so defaults still apply.
 */
function answered(method: AnyMethod): AnyMethod {
  if (method.length > MAX_PARAMETERS) throw new Error(`a repository method takes ${method.length} parameters, more than ${MAX_PARAMETERS}`);
  return (a?: unknown, b?: unknown, c?: unknown, d?: unknown, e?: unknown, f?: unknown, g?: unknown) => {
    try {
      return Promise.resolve(method(a, b, c, d, e, f, g));
    } catch (err) {
      return Promise.reject(err);
    }
  };
}

function view<R extends object>(sync: R, wrap: (name: string, method: AnyMethod) => AnyMethod): R {
  const out: Record<string, AnyMethod> = {};
  for (const [name, value] of Object.entries(sync)) {
    if (typeof value === 'function') out[name] = wrap(name, (value as AnyMethod).bind(sync));
  }
  return out as R;
}

export interface SqliteStore extends Store {
  /** The group commit the store's writes go through (the WAL checkpoints hook their work after its commits). */
  batch: CommitBatch;
  /** The connection itself, for SQLite's own tools: backups and checkpoints. */
  db: SqliteDb;
}

/**
 * The storage port over one SQLite connection. Writes of one event-loop turn share one transaction
 * and one fsync (./commitBatch.ts); each unit of work is a savepoint in it, and resolves once the
 * turn's COMMIT is on disk.
 */
export function createSqliteStore(
  db: SqliteDb,
  options: { clock: Clock; offerHoldMs: number; onCommit?: (seconds: number, units: number) => void },
): SqliteStore {
  const agents = createSqliteAgentRepository(db, options.clock, options.offerHoldMs);
  const callbacks = createSqliteCallbackRepository(db);
  const queue = createSqliteQueueRepository(db);
  const sync: SyncRepositories = {
    customers: createSqliteCustomerRepository(db),
    verification: createSqliteVerificationRepository(db),
    agents,
    callbacks,
    calls: createSqliteCallRepository(db),
    queue,
    numbers: createSqliteNumberRepository(db),
    credentials: createSqliteCredentialRepository(db),
    sessions: createSqliteSessionRepository(db),
    desk: createSqliteCallbackDeskRepository(db),
    dialer: createSqliteCallbackDialerRepository(db),
    escalations: createSqliteEscalationRepository(db),
    apiKeys: createSqliteApiKeyRepository(db),
    failureCounts: createSqliteFailureCountRepository(db),
  };
  const batch = createCommitBatch(db, options.onCommit ? { onCommit: options.onCommit } : {});
  const names = Object.keys(sync) as Array<keyof Repositories>;
  // Inside a unit of work every call runs at once in the unit's savepoint.
  const tx = Object.fromEntries(names.map((n) => [n, view(sync[n], (_, m) => answered(m))])) as unknown as Repositories;
  const unitOfWork = <T>(work: (tx: Repositories) => Promise<T>): Promise<T> => batch.run(() => work(tx));
  const top = Object.fromEntries(
    names.map((n) => {
      const writes = new Set<string>(WRITES[n] as readonly string[]);
      return [n, view(sync[n], (name, m) => (writes.has(name) ? (...args) => batch.run(() => m(...args)) : answered(m)))];
    }),
  ) as unknown as Repositories;
  return {
    ...top,
    unitOfWork,
    readiness: () => Promise.resolve(checkDatabase(db)),
    close: () => {
      batch.commitNow();
      closeDatabase(db);
      return Promise.resolve();
    },
    batch,
    db,
  };
}
