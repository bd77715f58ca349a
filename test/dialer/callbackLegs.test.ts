import { describe, expect, it } from 'vitest';
import { laterLegStatus, onAccept, onCustomerConfirmed, onLegStatus, type LegState } from '../../src/domain/callbackLegs.js';
import { DIAL_POLICY } from '../../src/domain/serviceNumbers.js';

const now = 1_000_000;
const agentLeg = (legId: number, status: LegState['status'], round = 2): LegState => ({ legId, kind: 'agent', round, status, callSid: `CA${legId}`, error: null, confirmedAt: null });
const customerLeg = (status: LegState['status'], round = 2, confirmedAt: number | null = null): LegState => ({ legId: 9, kind: 'customer', round, status, callSid: 'CA9', error: null, confirmedAt });
const dialing = { status: 'dialing' as const, round: 2, attempts: 0, acceptedLegId: null };

describe('dialer transitions', () => {
  it('never moves a leg back: final stays final, later statuses win', () => {
    expect(laterLegStatus('completed', 'ringing')).toBe('completed');
    expect(laterLegStatus('no-answer', 'completed')).toBe('no-answer');
    expect(laterLegStatus('ringing', 'in-progress')).toBe('in-progress');
    expect(laterLegStatus('requested', 'initiated')).toBe('initiated');
  });

  it('waits for every agent of a ring-all round before putting the callback back', () => {
    const legs = [agentLeg(1, 'ringing'), agentLeg(2, 'ringing')];
    expect(onLegStatus({ callback: dialing, leg: legs[0]!, roundLegs: legs, status: 'no-answer', now, policy: DIAL_POLICY }).change).toBeUndefined();
    const last = onLegStatus({ callback: dialing, leg: legs[1]!, roundLegs: [agentLeg(1, 'no-answer'), legs[1]!], status: 'busy', now, policy: DIAL_POLICY });
    expect(last).toEqual({
      legStatus: 'busy',
      change: { to: 'pending', attempts: 0, nextAttemptAt: now + DIAL_POLICY.agentPauseMs, lastError: 'no agent accepted' },
    });
  });

  it('ignores the end of a leg from an older round, but connects when the customer on it pressed a key', () => {
    const old = customerLeg('ringing', 1);
    expect(onLegStatus({ callback: dialing, leg: old, roundLegs: [old], status: 'no-answer', now, policy: DIAL_POLICY }).change).toBeUndefined();
    expect(onLegStatus({ callback: dialing, leg: old, roundLegs: [old], status: 'in-progress', now, policy: DIAL_POLICY }).change).toBeUndefined();
    expect(onCustomerConfirmed(dialing, customerLeg('in-progress', 1))).toEqual({ confirmed: true, change: { to: 'connected' } });
  });

  it('connects only on the key press: an answer alone is no connection, and its end unconfirmed is a try', () => {
    const answered = customerLeg('ringing');
    expect(onLegStatus({ callback: dialing, leg: answered, roundLegs: [answered], status: 'in-progress', now, policy: DIAL_POLICY }).change).toBeUndefined();
    const voicemail = onLegStatus({ callback: dialing, leg: customerLeg('in-progress'), roundLegs: [answered], status: 'completed', now, policy: DIAL_POLICY });
    expect(voicemail.change).toEqual({
      to: 'pending',
      attempts: 1,
      nextAttemptAt: now + DIAL_POLICY.retrySpacingMs,
      lastError: 'customer answered but pressed no key (voicemail?) (try 1 of 3)',
    });
    const connected = { ...dialing, status: 'connected' as const };
    const kept = customerLeg('in-progress', 2, now - 60_000);
    expect(onLegStatus({ callback: connected, leg: kept, roundLegs: [kept], status: 'completed', now, policy: DIAL_POLICY }).change).toEqual({ to: 'completed' });
    // A second key press changes nothing; a key on an ended leg or a closed callback connects nothing.
    expect(onCustomerConfirmed(connected, kept)).toEqual({ confirmed: true });
    expect(onCustomerConfirmed(dialing, customerLeg('completed'))).toEqual({ confirmed: false });
    expect(onCustomerConfirmed({ ...dialing, status: 'cancelled' }, customerLeg('in-progress'))).toEqual({ confirmed: false });
  });

  it("connects a key press only while the accepting agent's leg is live: after it ended nobody is there to talk to", () => {
    const accepted = { ...dialing, acceptedLegId: 1 };
    expect(onCustomerConfirmed(accepted, customerLeg('in-progress'), agentLeg(1, 'in-progress'))).toEqual({ confirmed: true, change: { to: 'connected' } });
    for (const ended of ['completed', 'canceled', 'failed'] as const) {
      expect(onCustomerConfirmed(accepted, customerLeg('in-progress'), agentLeg(1, ended))).toEqual({ confirmed: false });
    }
  });

  it('fails the callback on the third unanswered try', () => {
    const leg = customerLeg('ringing');
    const third = onLegStatus({ callback: { ...dialing, attempts: 2, acceptedLegId: 1 }, leg, roundLegs: [agentLeg(1, 'in-progress'), leg], status: 'no-answer', now, policy: DIAL_POLICY });
    expect(third.change).toEqual({ to: 'failed', attempts: 3, lastError: 'customer no-answer (try 3 of 3)' });
  });

  it('changes nothing on a callback already completed or cancelled', () => {
    for (const status of ['completed', 'cancelled', 'failed'] as const) {
      const leg = customerLeg('ringing');
      expect(onLegStatus({ callback: { ...dialing, status }, leg, roundLegs: [leg], status: 'in-progress', now, policy: DIAL_POLICY }).change).toBeUndefined();
    }
  });

  it('lets the first accept of the current round win', () => {
    expect(onAccept(dialing, agentLeg(1, 'in-progress'))).toBe('won');
    expect(onAccept({ ...dialing, acceptedLegId: 1 }, agentLeg(1, 'in-progress'))).toBe('already');
    expect(onAccept({ ...dialing, acceptedLegId: 1 }, agentLeg(2, 'in-progress'))).toBe('lost');
    expect(onAccept(dialing, agentLeg(3, 'in-progress', 1))).toBe('lost');
    expect(onAccept({ ...dialing, status: 'completed' }, agentLeg(1, 'in-progress'))).toBe('lost');
  });
});
