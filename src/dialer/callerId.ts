import type { CallRepository } from '../domain/storage/calls.js';
import type { NumberRepository } from '../domain/storage/numbers.js';
import { E164 } from '../domain/customer.js';

export interface CallerIdSources {
  /** HOTLINE_CALLER_ID. */
  callerId: string | undefined;
  calls: Pick<CallRepository, 'get'>;
  numbers: Pick<NumberRepository, 'list'>;
}

/**
 * The number callback calls and texts show: HOTLINE_CALLER_ID, else the line number the customer
 * called (`callSid` is the call that made the promise), so they recognise it; else the first
 * configured line number. Undefined when none is known.
 */
export async function callerIdFor(sources: CallerIdSources, callSid: string | null, calledNumber?: string | null): Promise<string | undefined> {
  if (sources.callerId) return sources.callerId;
  const called = calledNumber ?? (callSid ? (await sources.calls.get(callSid))?.to : null);
  if (called && E164.test(called)) return called;
  return (await sources.numbers.list()).find((n) => E164.test(n.e164))?.e164;
}
