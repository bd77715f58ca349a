import type { CheckLimits } from './checkGate.js';

const MINUTE = 60_000;
const DAY = 24 * 60 * MINUTE;

/**
 * Wrong passwords for one agent from one client address: ten in a row pause that agent's sign-in from
 * that address for 15 minutes (each further one, until a right one, pauses again). Counted in the
 * database, so every instance counts the same failures: a record is forgotten an hour after its last
 * failure, and at most 10,000 are kept (the least recently failed go first), so a flood of addresses
 * costs a bounded amount of storage.
 */
export const ADDRESS_LOCK = { after: 10, forMs: 15 * MINUTE, forgetAfterMs: 60 * MINUTE, maxRecords: 10_000 };

/**
 * Wrong passwords for one agent from anywhere: 100 with no hour-long gap and no right password between
 * them pause the agent's sign-in for an hour, except from a browser the agent signed in on before. Ten
 * times the per-address bound, so one address (or nine) cannot pause an agent, while guesses spread over
 * many addresses still stop at about 100 an hour. Counted in SQLite, one guarded write per attempt.
 */
export const AGENT_LOCK = { after: 100, forMs: 60 * MINUTE, windowMs: 60 * MINUTE };

/**
 * Password checks (about 50 ms of scrypt each, on libuv's thread pool): two at a time and twenty more
 * waiting; one client address holds at most two of those places and one agent number at most eight, so a
 * flood from one address cannot take the places of others. Anything beyond is answered "busy" at once.
 */
export const SIGN_IN_CHECKS: CheckLimits = { running: 2, waiting: 20, perAddress: 2, perAgent: 8 };

/** How long a browser stays trusted for the agent who signed in on it (each sign-in renews it). */
export const DEVICE_MAX_AGE_MS = 90 * DAY;
