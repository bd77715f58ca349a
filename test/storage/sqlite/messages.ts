/** What the contract runner asks of a store thread (./storeThread.ts); `unit` names an open unit of work. */
export type Message =
  | { op: 'open'; file: string; offerHoldMs: number }
  | { op: 'call'; repository: string; method: string; args: unknown[]; now: number; unit?: number }
  | { op: 'begin'; unit: number; now: number }
  | { op: 'end'; unit: number; commit: boolean }
  | { op: 'readiness' }
  | { op: 'close' };

/** A message with the id its reply carries. */
export type Request = Message & { id: number };

export type Reply = { id: number } & (
  | { ok: true; value: unknown }
  | { ok: false; error: { name: string; message: string; code: string | undefined } }
);

/**
 * A Buffer crosses to another thread as a plain Uint8Array: turns them back into Buffers (hashes,
 * salts and sealed secrets are Buffers in the port's records), in arrays and plain objects at any depth.
 */
export function asBuffers<T>(value: T): T {
  if (value instanceof Uint8Array) return (Buffer.isBuffer(value) ? value : Buffer.from(value.buffer, value.byteOffset, value.byteLength)) as T;
  if (Array.isArray(value)) return value.map(asBuffers) as T;
  if (value !== null && typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, asBuffers(v)])) as T;
  }
  return value;
}
