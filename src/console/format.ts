import { idEnding } from '../domain/customer.js';

/** "…1234": enough of a customer ID to tell calls apart on a shared screen. */
export const customerEnding = (customerId: string | null | undefined) =>
  customerId ? `…${idEnding(customerId)}` : '—';

/** A duration as agents read it: "1 h 05 min", "12 min", "45 s"; negative durations as "-12 min". */
export function duration(ms: number): string {
  const sign = ms < 0 ? '-' : '';
  const s = Math.floor(Math.abs(ms) / 1000);
  if (s < 60) return `${sign}${s} s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${sign}${m} min`;
  return `${sign}${Math.floor(m / 60)} h ${String(m % 60).padStart(2, '0')} min`;
}

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
