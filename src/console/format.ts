import { idEnding } from '../domain/customer.js';

/** "…1234": enough of a customer ID to tell calls apart on a shared screen. */
export const customerEnding = (customerId: string | null | undefined) =>
  customerId ? `…${idEnding(customerId)}` : '—';

/** A flow state name for people: "askCallbackNumber" -> "ask callback number". */
export function stateLabel(state: string): string {
  return state.replace(/([a-z0-9])([A-Z])/g, '$1 $2').replace(/([A-Z])([A-Z][a-z])/g, '$1 $2').toLowerCase();
}

/** An instant in UTC, to the minute: the console is shared by agents in several time zones. */
export function utc(ms: number): string {
  return `${new Date(ms).toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}

/** An instant in UTC to the second, for audit trails. */
export function utcSeconds(ms: number): string {
  return `${new Date(ms).toISOString().slice(0, 19).replace('T', ' ')} UTC`;
}
