import { describe, expect, it } from 'vitest';
import type { Verification } from '../../src/domain/verifyCaller.js';
import type { Customer } from '../../src/domain/customer.js';
import { luhnCheckDigit } from '../../src/domain/customerId.js';
import type { AgentOffer, World } from '../../src/voice/flow.js';
import { MAX_PAIRS } from '../../src/domain/serviceNumbers.js';
import { emergencyFlow, type EmergencyContext } from '../../voice-flows/emergency.js';

// Pure flow tests: a state, an input, the expected next state. No server, no database.
const NOW = Date.UTC(2026, 10, 23, 12, 0, 0);
const ID = `499273987${luhnCheckDigit('499273987')}`;
const BAD_ID = `499273987${(Number(luhnCheckDigit('499273987')) + 1) % 10}`;
const agents: AgentOffer[] = [
  { agentId: 1, phone: '+15550000001', languages: ['en-US'] },
  { agentId: 2, phone: '+15550000002', languages: ['en-US', 'ja-JP'] },
];

function world(overrides: Partial<World> = {}): World {
  return {
    now: NOW,
    callStartedAt: NOW,
    callSid: 'CA' + 'a'.repeat(32),
    caller: '+14155550100',
    backupNumber: null,
    agentsFor: () => agents,
    freeAgentsFor: () => agents,
    incidents: () => [],
    newReference: () => '1234567',
    phoneOnFile: () => null,
    callbackCountries: () => new Set(['1', '44']),
    ...overrides,
  };
}

function ctx(overrides: Partial<EmergencyContext> = {}): EmergencyContext {
  return { ...emergencyFlow.createContext({ language: 'en-US', caller: '+14155550100' }), ...overrides };
}

const customer = (plan: Customer['plan'], tier: Customer['tier']): Customer => ({
  customerId: ID,
  name: 'Acme',
  plan,
  tier,
  status: 'active',
  phone: null,
  createdAt: NOW,
  updatedAt: NOW,
});
const verified = (c: Customer): Verification => ({ verified: true, customer: c, factor: 'dashboard', failuresLastDay: 0 });
const refused: Verification = { verified: false, reason: 'wrong_code', lockedNow: false };

const on = (state: string, event: Parameters<NonNullable<(typeof emergencyFlow.states)[string]['on']>>[0], c = ctx(), w = world()) =>
  emergencyFlow.states[state]!.on!(event, c, w);

describe('the emergency flow', () => {
  it('when the ID passes its Luhn check, asks for the code', () => {
    expect(on('askId', { type: 'digits', digits: ID })).toMatchObject({ to: 'askCode', context: { typedId: ID } });
  });

  it('when the ID fails its Luhn check, says so at once and asks again as a failed try', () => {
    expect(on('askId', { type: 'digits', digits: BAD_ID })).toMatchObject({ to: 'askId', retry: true, say: [{ key: 'invalidId' }] });
  });

  it('when the caller is silent, repeats the prompt as a failed try', () => {
    expect(on('askId', { type: 'digits', digits: '' })).toMatchObject({ to: 'askId', retry: true, say: [{ key: 'notHeard' }] });
  });

  it('star at the first prompt switches to Japanese, and only there', () => {
    expect(on('askId', { type: 'digits', digits: '*' })).toMatchObject({ to: 'askId', context: { language: 'ja-JP' } });
    expect(on('askId', { type: 'digits', digits: '*' }, ctx({ canSwitchLanguage: false }))).toMatchObject({ retry: true });
  });

  it('a refused pair is answered "did not match" and the ID is asked again, without saying which was wrong', () => {
    const t = on('askCode', { type: 'code', digits: '123456', verification: refused }, ctx({ typedId: ID }));
    expect(t).toMatchObject({ to: 'askId', say: [{ key: 'noMatch' }], context: { pairs: 1, typedId: null } });
  });

  it(`the ${MAX_PAIRS}rd refused pair ends the call`, () => {
    const t = on('askCode', { type: 'code', digits: '123456', verification: refused }, ctx({ pairs: MAX_PAIRS - 1 }));
    expect(t).toMatchObject({ to: 'verificationFailed', outcome: 'refused' });
  });

  it('a verified Business customer hears their channels and the call ends', () => {
    const t = on('askCode', { type: 'code', digits: '123456', verification: verified(customer('business', null)) });
    expect(t).toMatchObject({ to: 'notEnterprise', outcome: 'not-enterprise' });
    expect(emergencyFlow.states.notEnterprise!.input(ctx())).toEqual({ kind: 'end' });
  });

  it('a verified Enterprise customer is asked the priority, hearing unresolved incidents first', () => {
    const t = on(
      'askCode',
      { type: 'code', digits: '123456', verification: verified(customer('enterprise', 'premium')) },
      ctx(),
      world({ incidents: () => ['Elevated errors in Tokyo'] }),
    );
    expect(t.to).toBe('askPriority');
    expect(t.say).toEqual([{ key: 'verified' }, { key: 'incidents', params: { names: 'Elevated errors in Tokyo' } }]);
  });

  const enterprise = ctx({ customer: { customerId: ID, name: 'Acme', plan: 'enterprise', tier: 'premium' } });

  it('1 rings the first on-duty agent', () => {
    const t = on('askPriority', { type: 'digits', digits: '1' }, enterprise);
    expect(t).toMatchObject({ to: 'transfer', context: { priority: 'P1', agentIndex: 0 }, writes: { offeredAgent: 1 } });
  });

  it('1 with nobody on duty books a P1 callback due in the tier target (Premium: 1 hour)', () => {
    const t = on('askPriority', { type: 'digits', digits: '1' }, enterprise, world({ agentsFor: () => [] }));
    expect(t.to).toBe('p1CallbackBooked');
    expect(t.writes?.scheduleCallback).toMatchObject({ priority: 'P1', reason: 'no-agent-answered', dueAt: NOW + 3_600_000, phone: '+14155550100' });
  });

  it('a Dial that was not bridged moves on to the next agent, then to a P1 callback', () => {
    const ringing = { ...enterprise, priority: 'P1' as const, agents, agentIndex: 0 };
    expect(on('transfer', { type: 'dial-ended', bridged: false, status: 'completed' }, ringing)).toMatchObject({
      to: 'transfer',
      context: { agentIndex: 1 },
    });
    const last = on('transfer', { type: 'dial-ended', bridged: false, status: 'no-answer' }, { ...ringing, agentIndex: 1 });
    expect(last.to).toBe('p1CallbackBooked');
  });

  it('skips a next agent who is no longer free (another call, another caller, off duty or removed)', () => {
    const three = [...agents, { agentId: 3, phone: '+15550000003', languages: ['en-US'] }];
    const ringing = { ...enterprise, priority: 'P1' as const, agents: three, agentIndex: 0 };
    const onlyThird = world({ freeAgentsFor: () => [three[2]!] });
    expect(on('transfer', { type: 'dial-ended', bridged: false, status: 'no-answer' }, ringing, onlyThird)).toMatchObject({
      to: 'transfer',
      context: { agentIndex: 2 },
      writes: { offeredAgent: 3 },
    });
    const noneFree = on('transfer', { type: 'dial-ended', bridged: false, status: 'no-answer' }, ringing, world({ freeAgentsFor: () => [] }));
    expect(noneFree.to).toBe('p1CallbackBooked');
  });

  it('a queued caller offered an agent who has since left duty goes back in line, or to a P1 callback when nobody is on duty', () => {
    const queued = { ...enterprise, priority: 'P1' as const, queued: true };
    const offered = { type: 'queue-left' as const, result: 'leave', offer: { kind: 'offered' as const, agent: agents[0]! } };
    expect(on('queued', offered, queued)).toMatchObject({ to: 'transfer', writes: { offeredAgent: 1 } });
    const onlySecond = world({ agentsFor: () => [agents[1]!] });
    expect(on('queued', offered, queued, onlySecond)).toMatchObject({
      to: 'queued',
      say: [{ key: 'stillTrying' }],
      writes: { enqueue: { customerId: ID, tier: 'premium' } },
    });
    const nobody = on('queued', offered, queued, world({ agentsFor: () => [] }));
    expect(nobody).toMatchObject({ to: 'p1CallbackBooked', writes: { leaveQueue: 'left', scheduleCallback: { priority: 'P1' } } });
  });

  it('a bridged Dial is a transferred call', () => {
    const t = on('transfer', { type: 'dial-ended', bridged: true, status: 'completed' }, { ...enterprise, agents, agentIndex: 0 });
    expect(t).toMatchObject({ to: 'transferred', outcome: 'transferred' });
  });

  it('2 books a P2 callback to the calling number at once (Standard: 4 hours)', () => {
    const standard = ctx({ customer: { customerId: ID, name: 'Acme', plan: 'enterprise', tier: 'standard' } });
    const t = on('askPriority', { type: 'digits', digits: '2' }, standard);
    expect(t.to).toBe('p2Menu');
    expect(t.writes?.scheduleCallback).toMatchObject({ priority: 'P2', reason: 'p2', dueAt: NOW + 4 * 3_600_000, phone: '+14155550100' });
  });

  it('2 from a withheld number asks for a number before booking', () => {
    const t = on('askPriority', { type: 'digits', digits: '2' }, enterprise, world({ caller: null }));
    expect(t).toMatchObject({ to: 'askCallbackNumber', context: { priority: 'P2' } });
    expect(t.writes).toBeUndefined();
  });

  it('a new callback number replaces the calling number', () => {
    const booked = { ...enterprise, callback: { reference: '1234567', dueAt: NOW + 1, createdAt: NOW } };
    const t = on('askCallbackNumber', { type: 'digits', digits: '442071234567' }, booked);
    expect(t).toMatchObject({ to: 'p2Menu', writes: { changeCallbackPhone: '+442071234567' } });
    expect(on('askCallbackNumber', { type: 'digits', digits: '12' }, booked)).toMatchObject({ retry: true });
  });

  it('2 from a withheld number books the phone on file at once and says its last four digits', () => {
    const t = on('askPriority', { type: 'digits', digits: '2' }, enterprise, world({ caller: null, phoneOnFile: () => '+819012345678' }));
    expect(t).toMatchObject({ to: 'p2Menu', writes: { scheduleCallback: { phone: '+819012345678', callerPhone: null } } });
    expect(t.say?.at(-1)).toEqual({ key: 'numberOnFile', params: { ending: '5678' } });
  });

  it('a premium-rate caller ID is never called back: with no phone on file, a number is asked for', () => {
    const t = on('askPriority', { type: 'digits', digits: '2' }, enterprise, world({ caller: '+19005550100' }));
    expect(t).toMatchObject({ to: 'askCallbackNumber' });
    expect(t.writes).toBeUndefined();
  });

  it('a typed number in a refused range or outside the allowed countries is asked again and nothing is written', () => {
    const booked = { ...enterprise, callback: { reference: '1234567', dueAt: NOW + 1, createdAt: NOW } };
    const satellite = on('askCallbackNumber', { type: 'digits', digits: '881612345678' }, booked, world({ callbackCountries: () => new Set(['881']) }));
    expect(satellite).toEqual({ to: 'askCallbackNumber', retry: true, say: [{ key: 'numberRefusedRange' }] });
    const france = on('askCallbackNumber', { type: 'digits', digits: '33142685300' }, booked);
    expect(france).toEqual({ to: 'askCallbackNumber', retry: true, say: [{ key: 'numberRefusedCountry' }] });
    // The customer's own phone on file needs no country in the list.
    const onFile = on('askCallbackNumber', { type: 'digits', digits: '33142685300' }, booked, world({ phoneOnFile: () => '+33142685300' }));
    expect(onFile).toMatchObject({ to: 'p2Menu', writes: { changeCallbackPhone: '+33142685300' } });
  });

  it('a recording is attached to the callback', () => {
    const t = on('p2Record', { type: 'recorded', url: 'https://api.twilio.com/rec/RE1', durationSeconds: 12 });
    expect(t).toMatchObject({ to: 'recordingSaved', writes: { attachRecording: { url: 'https://api.twilio.com/rec/RE1', durationSeconds: 12 } } });
  });

  it('3 tells how to open a ticket and the P3 target for the tier, and ends', () => {
    const t = on('askPriority', { type: 'digits', digits: '3' }, enterprise);
    expect(t).toMatchObject({ to: 'p3Info', outcome: 'p3-info' });
    expect(emergencyFlow.states.p3Info!.say(enterprise)).toEqual([{ key: 'p3Info', params: { tier: 'premium', target: 24 * 3_600_000 } }]);
  });
});
