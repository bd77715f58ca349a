/*
 * A worker thread holding one SQLite store of its own (./threadStore.ts has the other side): the
 * contract suites' second instance of the service. It runs the calls it is sent on its store, with the
 * store's clock set to the sender's "now" first.
 */
import { parentPort } from 'node:worker_threads';
import { openDatabase } from '../../../src/db/database.js';
import { createSqliteStore, type SqliteStore } from '../../../src/db/store.js';
import { ManualClock } from '../../../src/domain/clock.js';
import type { Repositories } from '../../../src/domain/storage/index.js';
import { asBuffers, type Reply, type Request } from './messages.js';

const port = parentPort!;
const clock = new ManualClock(0);
let store: SqliteStore | undefined;

interface OpenUnit {
  tx: Promise<Repositories>;
  end(commit: boolean): void;
}
const units = new Map<number, OpenUnit>();

function opened(): SqliteStore {
  if (!store) throw new Error('no store is open on this thread');
  return store;
}

type AnyMethod = (...args: unknown[]) => Promise<unknown>;

/** The method names of each repository, for the other side to build the same shape. */
function shapeOf(s: SqliteStore): Record<string, string[]> {
  const names = Object.keys(s).filter((k) => !['unitOfWork', 'readiness', 'close', 'batch', 'db'].includes(k));
  return Object.fromEntries(names.map((n) => [n, Object.keys(s[n as keyof Repositories])]));
}

/** Runs a unit of work whose calls come in one message each, until the other side says how it ended. */
function beginUnit(unit: number): Promise<unknown> {
  let txReady!: (tx: Repositories) => void;
  let end!: (commit: boolean) => void;
  const ended = new Promise<boolean>((resolve) => (end = resolve));
  units.set(unit, { tx: new Promise((resolve) => (txReady = resolve)), end });
  return opened()
    .unitOfWork(async (tx) => {
      txReady(tx);
      if (!(await ended)) throw new Error('the unit of work was undone by its caller');
    })
    .finally(() => units.delete(unit));
}

async function answer(request: Request): Promise<unknown> {
  switch (request.op) {
    case 'open':
      store = createSqliteStore(openDatabase(request.file), { clock, offerHoldMs: request.offerHoldMs });
      return shapeOf(store);
    case 'call': {
      clock.set(request.now);
      const repositories: Repositories = request.unit === undefined ? opened() : await units.get(request.unit)!.tx;
      const repository = repositories[request.repository as keyof Repositories] as unknown as Record<string, AnyMethod>;
      return repository[request.method]!(...asBuffers(request.args));
    }
    case 'begin':
      clock.set(request.now);
      return beginUnit(request.unit);
    case 'end':
      units.get(request.unit)!.end(request.commit);
      return undefined;
    case 'readiness':
      return opened().readiness();
    case 'close':
      await store?.close();
      store = undefined;
      return undefined;
  }
}

port.on('message', (request: Request) => {
  answer(request).then(
    (value) => port.postMessage({ id: request.id, ok: true, value } satisfies Reply),
    (err: unknown) => {
      const { name, message, code } = err as { name?: string; message?: string; code?: unknown };
      port.postMessage({
        id: request.id,
        ok: false,
        error: { name: name ?? 'Error', message: message ?? String(err), code: typeof code === 'string' ? code : undefined },
      } satisfies Reply);
    },
  );
});
