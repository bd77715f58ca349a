/**
 * The numbers of the service: how long phones ring, how long an offered agent is held, how many
 * tries and guesses a caller has, and the first-response targets promises are made against. Each
 * says what it decides and why it has its value; a number made of others (the offer hold) is
 * computed from them, so a change to a part moves the whole. test/foundation/serviceNumbers.test.ts
 * checks the relations between them that callers and agents would notice break.
 *
 * Values an operator sets (the dialer's lease and poll, the verification guard) are in src/config.ts.
 */
import type { Priority, Tier } from './customer.js';

const SECOND = 1000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

// ---------------------------------------------------------------------------------------------
// The P1 transfer: the caller's Dial rings free on-duty agents one after another.

/**
 * Seconds an agent's phone rings for a P1 caller before the caller's Dial moves on to the next
 * agent. About four rings: enough to pick up a phone at hand, while the caller, who hears ringing
 * all along, is not kept from the next free agent by one who is away from theirs.
 */
export const TRANSFER_AGENT_RING_SECONDS = 20;

/**
 * Agents rung one after another for one P1 call before it becomes a callback. Ten rings of 20 s (and
 * their whispers) keep a caller a few minutes at most before they hear a callback promise, and bound
 * the list of agents kept in the call's stored state.
 */
export const MAX_AGENTS_PER_CALL = 10;

/** Seconds Twilio rings past a Dial's timeout before it gives up on the leg (observed: about 5). */
export const TWILIO_RING_MARGIN_SECONDS = 5;

/**
 * Seconds one reading of the agent's whisper takes ("Verified Premium Enterprise customer Acme,
 * ID ending 1 2 3 4, priority 1. Press 1 to accept."): about 7 at Polly's pace, for a short account name.
 */
export const WHISPER_READING_SECONDS = 7;

/** Seconds of silence between the whisper's two readings (the agent hears it twice: once may be missed). */
export const WHISPER_PAUSE_SECONDS = 1;

/**
 * Seconds the whisper waits for the agent's 1 after its second reading. By then the agent has heard
 * who is calling twice and has decided; waiting longer only keeps the caller from the next agent.
 */
export const WHISPER_KEY_SECONDS = 6;

/**
 * Seconds an offer of a P1 call can stay live on the agent's phone: ringing (with Twilio's margin),
 * the whisper twice with its pause, and the wait for the key. After that the agent has either
 * accepted (and is on the call) or let the leg go.
 */
export const AGENT_OFFER_LIVE_SECONDS =
  TRANSFER_AGENT_RING_SECONDS + TWILIO_RING_MARGIN_SECONDS + 2 * WHISPER_READING_SECONDS + WHISPER_PAUSE_SECONDS + WHISPER_KEY_SECONDS;

/**
 * The longest an offer of a P1 call keeps its agent from being offered another when its end is never
 * reported. An offer ends when Twilio says so - the Dial's action (no answer, declined, bridged and
 * over), the agent's key other than 1, the call's end - and the agent is free again at once; this
 * bound only covers news that never comes. As long as that offer can be live, rounded up to the whole
 * minute, which leaves room for a long account name or the failed-codes warning in the whisper.
 * Shorter, and an agent still listening to one caller's whisper could be rung for the next one.
 */
export const AGENT_OFFER_HOLD_MS = Math.ceil((AGENT_OFFER_LIVE_SECONDS * SECOND) / MINUTE) * MINUTE;

/**
 * Seconds the backup desk's phone rings for a caller automatic verification could not take (a locked
 * ID, a limited number). Longer than an agent's ring: the desk is this caller's one person, with no
 * next agent to move on to; if it does not answer the caller is called back on the phone on file.
 */
export const DESK_RING_SECONDS = 30;

// ---------------------------------------------------------------------------------------------
// Callbacks: the dialer rings an agent, who then dials the customer.

/**
 * Seconds the dialer's call to an agent rings before Twilio gives up on the leg. Longer than the
 * transfer's 20 s: no caller is holding on the line meanwhile, and a ring missed costs a whole round
 * (the agent pause below, then the next agent).
 */
export const CALLBACK_AGENT_RING_SECONDS = 25;

/**
 * Agents rung at once for a callback at risk: every free agent, up to ten (as many numbers as one
 * Twilio Dial may ring). The first to press 1 takes it; the others are hung up.
 */
export const MAX_AGENTS_AT_ONCE = 10;

/**
 * Seconds the customer's phone rings before the agent's Dial gives up: about six rings, as the
 * customer asked to be called and may need to reach the phone, while the engineer waits on the line.
 */
export const CUSTOMER_RING_SECONDS = 30;

/**
 * Seconds the customer's gate waits for a key after its prompt (said twice). A person presses one
 * at once; a voicemail never does, so the wait only delays the goodbye it records.
 */
export const CUSTOMER_KEY_SECONDS = 8;

/**
 * Tries at the customer's phone and the pauses of the dialer (the DialPolicy of src/dialer/transitions.ts).
 * - maxTries: calls to the customer that did not reach them before the callback is failed and left
 *   to agents in the console. Three, five minutes apart, tell a customer away from the phone from one
 *   who missed a ring, and leave most of even the shortest target (1 hour) for agents to act.
 * - retrySpacingMs: wait after a try the customer did not answer, so one in a meeting or on another
 *   line about the incident can come back; the voicemail gate says "we will call you again in 5 minutes".
 * - agentPauseMs: wait after a round in which no agent accepted (or none could be rung) before
 *   ringing agents again: short, as the deadline runs, without spinning while nobody is free.
 */
export const DIAL_POLICY = { maxTries: 3, retrySpacingMs: 5 * MINUTE, agentPauseMs: 30 * SECOND } as const;

/**
 * Time left under which a callback not yet connected is at risk: the dialer then rings every free
 * agent at once. Fifteen minutes leave room for every try at the customer (three, five minutes apart).
 */
export const AT_RISK_MS = 15 * MINUTE;

/**
 * A booking call whose last step was this long ago no longer holds its callback back, even if its end
 * was never reported: after the step that books a callback a caller stays a few minutes at most (a P2
 * description is at most 2). From the last step, not the start: a P1 caller may wait long in the queue.
 */
export const BOOKING_CALL_HOLD_MS = 15 * MINUTE;

/**
 * Legs older than this are not taken to keep an agent busy, whatever Twilio last said of them: far
 * longer than any call to an agent rings and whispers, so only a leg whose final status never arrived
 * is dropped, rather than keeping its agent out of callbacks for good.
 */
export const LIVE_LEG_HORIZON_MS = 4 * HOUR;

// ---------------------------------------------------------------------------------------------
// Verification: how many codes a caller may try.

/**
 * Pairs of ID and code a caller may try in one call. Three forgive a typo or a code that changed
 * while it was typed; a guesser must call again, and the per-ID lock and the per-number limit below
 * count across calls.
 */
export const MAX_PAIRS = 3;

/**
 * How long the code prompt waits for the first key after the caller heard that their code was already
 * spent (by an earlier call): the next code appears within one 30 s step, so the caller is not
 * cut off while they wait for it. The code prompt otherwise waits 10 s.
 */
export const CODE_STEP_WAIT_SECONDS = 30;

/**
 * Failures per customer ID, across calls: 5 in a row lock for 15 min, each further lock doubles up
 * to 24 h; 100 lock until an operator unlocks. Five forgive a customer's own mistakes; the doubling
 * slows a guesser to a few tries a day; at 100 the ID waits for a person to look.
 */
export const LOCK_POLICY = {
  failuresPerLock: 5,
  firstLockMs: 15 * MINUTE,
  longestLockMs: DAY,
  failuresUntilReview: 100,
} as const;

/**
 * Guesses from one calling number, across IDs and calls: past `guesses` within `windowMs` every
 * attempt from that number is refused (a right code among them is spent, not accepted). The per-ID
 * lock stops a caller hammering one ID; this stops one cycling through many. Callers who withhold
 * their number share one bucket with a larger allowance (so do calls with no From at all, and
 * Twilio's +266696687): an attacker cannot escape the limit by hiding the number, and legitimate
 * withheld callers (company switchboards) are not stopped by a handful of typos.
 */
export const CALLER_LIMIT = { guesses: 10, withheldGuesses: 30, windowMs: HOUR } as const;

/**
 * How far back a verified call looks for failed codes of its ID, to warn the agent: a day, the
 * longest lock, so guessing spread out between locks still shows.
 */
export const FAILED_CODES_LOOKBACK_MS = DAY;

// ---------------------------------------------------------------------------------------------
// First-response targets.

/**
 * First-response targets by Enterprise tier and priority, in milliseconds: the vendor's published
 * SLA (domain.md). A callback's deadline is its target counted from the start of the call.
 */
export const FIRST_RESPONSE_TARGETS: Readonly<Record<Tier, Readonly<Record<Priority, number>>>> = {
  premium: { P1: 1 * HOUR, P2: 2 * HOUR, P3: 24 * HOUR, P4: 24 * HOUR },
  standard: { P1: 2 * HOUR, P2: 4 * HOUR, P3: 48 * HOUR, P4: 48 * HOUR },
};
