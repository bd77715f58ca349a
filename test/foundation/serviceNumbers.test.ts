import { describe, expect, it } from 'vitest';
import {
  AGENT_OFFER_HOLD_MS,
  AT_RISK_MS,
  CALLBACK_AGENT_RING_SECONDS,
  CUSTOMER_KEY_SECONDS,
  CUSTOMER_RING_SECONDS,
  DIAL_POLICY,
  FIRST_RESPONSE_TARGETS,
  TWILIO_RING_MARGIN_SECONDS,
  WHISPER_READING_SECONDS,
} from '../../src/domain/serviceNumbers.js';
import { whisperTwiml } from '../../src/voice/whisper.js';
import { emergencyFlow } from '../../voice-flows/emergency.js';

// The relations between the service's numbers that a caller or an agent would notice break. The ring
// and the key wait are read from what the flow and the whisper actually send Twilio.
const SECOND = 1000;
const targets = Object.values(FIRST_RESPONSE_TARGETS).flatMap((byPriority) => Object.values(byPriority));
const shortestTarget = Math.min(...targets);

/** The transfer's Dial timeout, as the flow renders it for an agent. */
function transferRingSeconds(): number {
  const context = {
    ...emergencyFlow.createContext({ language: 'en-US', caller: null }),
    agents: [{ agentId: 1, phone: '+15550000001', languages: ['en-US'] }],
  };
  const input = emergencyFlow.states.transfer!.input(context);
  if (input.kind !== 'dial') throw new Error(`the transfer state gathers ${input.kind}, not a dial`);
  return input.timeout;
}

/** The whisper's key wait and the pauses between its readings, as its TwiML says them. */
function whisperTimings(): { keySeconds: number; readings: number; pauseSeconds: number } {
  const twiml = whisperTwiml({ context: undefined, agent: undefined, acceptUrl: 'https://example.com/accept' });
  const gather = /<Gather [^>]*timeout="(\d+)"/.exec(twiml);
  const pauses = [...twiml.matchAll(/<Pause length="(\d+)"/g)].map((m) => Number(m[1]));
  return {
    keySeconds: Number(gather?.[1]),
    readings: (twiml.match(/<Say /g) ?? []).length,
    pauseSeconds: pauses.reduce((sum, p) => sum + p, 0),
  };
}

describe('the numbers of the service', () => {
  it('an offered agent is held for as long as the offer can ring, whisper and wait for the key', () => {
    const whisper = whisperTimings();
    expect(whisper.keySeconds).toBeGreaterThan(0);
    expect(whisper.readings).toBe(2);
    const live = transferRingSeconds() + TWILIO_RING_MARGIN_SECONDS + whisper.readings * WHISPER_READING_SECONDS + whisper.pauseSeconds + whisper.keySeconds;
    expect(AGENT_OFFER_HOLD_MS).toBeGreaterThanOrEqual(live * SECOND);
  });

  it('a callback turns at risk before the deadline of every first-response target', () => {
    for (const target of targets) expect(AT_RISK_MS).toBeLessThan(target);
  });

  it('every try at the customer, with its spacing, fits inside the shortest target, and still fits once the callback is at risk', () => {
    // A try: the agent's phone rings, then the customer's, then the customer's gate waits for a key.
    const oneTry = (CALLBACK_AGENT_RING_SECONDS + TWILIO_RING_MARGIN_SECONDS + CUSTOMER_RING_SECONDS + TWILIO_RING_MARGIN_SECONDS + CUSTOMER_KEY_SECONDS) * SECOND;
    const allTries = DIAL_POLICY.maxTries * oneTry + (DIAL_POLICY.maxTries - 1) * DIAL_POLICY.retrySpacingMs;
    expect(allTries).toBeLessThan(shortestTarget);
    expect(allTries).toBeLessThan(AT_RISK_MS);
  });
});
