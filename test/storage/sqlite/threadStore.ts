import { Worker } from 'node:worker_threads';
import type { Repositories, Store } from '../../../src/domain/storage/index.js';
import type { StoreSettings } from '../subject.js';
import { asBuffers, type Message, type Reply } from './messages.js';

type AnyMethod = (...args: unknown[]) => Promise<unknown>;

/**
 * A worker thread that holds a SQLite store of its own (./storeThread.ts), and the store as this
 * thread sees it: every repository method, and units of work, sent to it one call at a time. A
 * function cannot cross to a thread, so a call passing one is refused.
 *
 * Kept from one test to the next (starting one takes half a second): `open` points it at a new database.
 */
export class StoreThread {
  private readonly worker: Worker;
  private readonly waiting = new Map<number, { resolve(value: unknown): void; reject(err: Error): void }>();
  private nextId = 1;
  private nextUnit = 1;

  constructor() {
    this.worker = new Worker(new URL('./storeThread.mjs', import.meta.url));
    // An idle thread kept for the next test must not keep the test process alive.
    this.worker.unref();
    this.worker.on('message', (reply: Reply) => {
      const waiter = this.waiting.get(reply.id);
      this.waiting.delete(reply.id);
      if (reply.ok) waiter?.resolve(asBuffers(reply.value));
      else waiter?.reject(Object.assign(new Error(reply.error.message), reply.error));
    });
    this.worker.on('error', (err) => {
      for (const waiter of this.waiting.values()) waiter.reject(err);
      this.waiting.clear();
    });
  }

  private send(message: Message): Promise<unknown> {
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.waiting.set(id, { resolve, reject });
      try {
        this.worker.postMessage({ ...message, id });
      } catch (err) {
        this.waiting.delete(id);
        reject(new Error(`cannot send this call to the store's thread (${(err as Error).message}): a function does not cross threads`));
      }
    });
  }

  /** Opens a store on `file` in the thread; the store's clock follows `settings.clock` at each call. */
  async open(file: string, settings: StoreSettings): Promise<Store> {
    const shape = (await this.send({ op: 'open', file, offerHoldMs: settings.offerHoldMs })) as Record<string, string[]>;
    const repositories = (unit?: number): Repositories => {
      const entries = Object.entries(shape).map(([repository, methods]) => {
        const calls = methods.map((method): [string, AnyMethod] => [
          method,
          (...args) => this.send({ op: 'call', repository, method, args, now: settings.clock.now(), ...(unit !== undefined && { unit }) }),
        ]);
        return [repository, Object.fromEntries(calls)];
      });
      return Object.fromEntries(entries) as Repositories;
    };
    const unitOfWork = async <T>(work: (tx: Repositories) => Promise<T>): Promise<T> => {
      const unit = this.nextUnit++;
      const settled = this.send({ op: 'begin', unit, now: settings.clock.now() });
      let result: T;
      try {
        result = await work(repositories(unit));
      } catch (err) {
        await this.send({ op: 'end', unit, commit: false });
        await settled.catch(() => undefined);
        throw err;
      }
      await this.send({ op: 'end', unit, commit: true });
      await settled;
      return result;
    };
    return {
      ...repositories(),
      unitOfWork,
      readiness: () => this.send({ op: 'readiness' }) as ReturnType<Store['readiness']>,
      close: async () => void (await this.send({ op: 'close' })),
    };
  }

  async terminate(): Promise<void> {
    await this.worker.terminate();
  }
}
