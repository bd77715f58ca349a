/**
 * The emergency call flow, as data: each state names the prompts it speaks, the input it gathers and
 * where each answer leads. The engine in src/voice/engine.ts runs it; nothing here touches the
 * database, Twilio or the clock except through the World a transition is given.
 */
import type { NewCallback } from '../src/domain/storage/callbacks.js';
import { callbackNumberRefusal, isCallableNumber } from '../src/domain/callbackNumbers.js';
import { callableNumber, idEnding, type Plan, type Tier } from '../src/domain/customer.js';
import { isValidCustomerId } from '../src/domain/customerId.js';
import { CHANNELS_BY_PLAN, slaFor } from '../src/domain/serviceLevels.js';
import { CODE_STEP_WAIT_SECONDS, DESK_RING_SECONDS, MAX_AGENTS_PER_CALL, MAX_PAIRS, TRANSFER_AGENT_RING_SECONDS } from '../src/domain/serviceNumbers.js';
import type { Verification } from '../src/domain/verifyCaller.js';
import type { AgentOffer, BaseContext, FlowDefinition, Needs, Say, Transition, World } from '../src/voice/flow.js';
import type { Language } from './prompts/index.js';

export interface EmergencyContext extends BaseContext {
  /** Star switches language until the caller has typed anything else. */
  canSwitchLanguage: boolean;
  /** Refused (ID, code) pairs in this call. */
  pairs: number;
  typedId: string | null;
  /** The last code typed had already been spent: the caller is waiting for the next one, so the code prompt waits longer. */
  codeSpent: boolean;
  customer: {
    customerId: string;
    name: string;
    plan: Plan;
    tier: Tier | null;
    /** Codes refused for this ID in the day before the call was verified: the agent is told. */
    failuresLastDay?: number;
  } | null;
  priority: 'P1' | 'P2' | 'P3' | null;
  agents: AgentOffer[];
  agentIndex: number;
  /** In the P1 queue (all agents busy): a transfer that falls through goes back to the queue. */
  queued: boolean;
  callback: { reference: string; dueAt: number; createdAt: number } | null;
  /**
   * Refused by a lock on the typed ID or by the calling number's limit, and so never verified here:
   * sent to the backup desk with the reason, or called back on the account's phone on file.
   */
  held: HeldCall | null;
}

/** A caller automatic verification cannot take: why, and what a person needs to verify them another way. */
export interface HeldCall {
  reason: 'locked' | 'number-limited';
  failures: number;
  idEnding: string;
  /** The backup desk dialed, when one is configured. */
  desk: string | null;
  /** The typed ID's account and its phone on file, when it is an active Enterprise account that has one. */
  account: { customerId: string; name: string; tier: Tier; phone: string } | null;
}

const other = (language: Language): Language => (language === 'en-US' ? 'ja-JP' : 'en-US');

/** A transition of this flow. */
type EmergencyTransition = Transition<EmergencyContext>;

function bookCallback(
  ctx: EmergencyContext,
  world: World,
  priority: 'P1' | 'P2',
  reason: NewCallback['reason'],
  phone: string,
  customer: { customerId: string; tier: Tier | null } = ctx.customer!,
): Pick<EmergencyTransition, 'context' | 'writes' | 'outcome'> {
  const tier = customer.tier ?? 'standard';
  // The first-response target counts from the call, not from the booking: a P1 caller who held in the
  // queue for 40 minutes has 20 of their hour left, and the SLA states and the dialer see it so.
  const callback = { reference: world.newReference(), createdAt: world.now, dueAt: world.callStartedAt + slaFor(tier, priority) };
  return {
    context: { callback, priority },
    outcome: 'callback',
    writes: {
      // The added fields go before the spread (see README, "Performance").
      scheduleCallback: {
        customerId: customer.customerId,
        callSid: world.callSid,
        priority,
        tier,
        phone,
        callerPhone: world.caller,
        language: ctx.language,
        reason,
        ...callback,
      },
    },
  };
}

/**
 * A caller refused by a lock or a number limit is never left alone: with a backup desk they are put
 * through to a person, who is told why; without one, the account's phone on file gets a P1 callback,
 * marked unverified. Never a number the caller typed. What the caller hears does not depend on
 * whether the ID is known or has a phone on file.
 */
function holdCaller(ctx: EmergencyContext, world: World, result: Extract<Verification, { verified: false }>): EmergencyTransition {
  const held: HeldCall = {
    reason: result.reason === 'locked' ? 'locked' : 'number-limited',
    failures: result.held?.failures ?? 0,
    idEnding: idEnding(ctx.typedId ?? ''),
    desk: world.backupNumber,
    account: result.held?.account ?? null,
  };
  if (held.desk !== null) return { to: 'desk', say: [{ key: 'verificationUnavailable' }], context: { held } };
  return callbackForHeld({ ...ctx, held }, world);
}

/** The P1 callback to a held caller's phone on file, if the account has one; either way the caller hears the same. */
function callbackForHeld(ctx: EmergencyContext, world: World): EmergencyTransition {
  const held = ctx.held!;
  if (held.account === null) return { to: 'heldNoCallback', context: { held }, outcome: 'refused' };
  const booked = bookCallback(ctx, world, 'P1', 'no-agent-answered', held.account.phone, held.account);
  const scheduled = booked.writes!.scheduleCallback!;
  return {
    to: 'heldCallbackBooked',
    context: { held, callback: booked.context!.callback! },
    outcome: 'callback',
    writes: { scheduleCallback: { unverified: { reason: held.reason, failures: held.failures }, ...scheduled } },
  };
}

/** What the caller is told of a booked callback: the target counted from their call, the deadline, the reference. */
const callbackParams = (ctx: EmergencyContext, priority: 'P1' | 'P2') => ({
  within: slaFor(ctx.customer?.tier ?? 'standard', priority),
  deadline: ctx.callback!.dueAt,
  reference: ctx.callback!.reference,
});

/** All agents are busy: the caller waits in the P1 queue, Premium before Standard. */
function joinQueue(ctx: EmergencyContext, say: EmergencyTransition['say']): EmergencyTransition {
  const customer = ctx.customer!;
  return {
    to: 'queued',
    say: say ?? [],
    context: { priority: 'P1', queued: true },
    writes: { enqueue: { customerId: customer.customerId, tier: customer.tier ?? 'standard', language: ctx.language } },
  };
}

/** A queued caller who leaves the queue for a P1 callback. */
function leaveQueueForCallback(ctx: EmergencyContext, world: World): EmergencyTransition {
  const booked = bookP1(ctx, world, world.caller);
  return { ...booked, writes: { leaveQueue: 'left', ...booked.writes } };
}

/** Without a calling number there is nobody to call back: ask for one first. */
const askNumberFirst = (priority: 'P1' | 'P2'): EmergencyTransition => ({
  to: 'askCallbackNumber',
  say: [{ key: 'needCallbackNumber' }],
  context: { priority },
});

/**
 * Where a callback goes: `phone` (the calling number, or one typed and checked), unless the line must not
 * call it (a withheld or premium-rate caller ID); then the customer's phone on file, which the caller
 * is told; null when there is neither.
 */
function callbackTarget(ctx: EmergencyContext, world: World, phone: string | null): { phone: string; say: Say[] } | null {
  if (phone !== null && isCallableNumber(phone)) return { phone, say: [] };
  const onFile = world.phoneOnFile(ctx.customer!.customerId);
  if (onFile === null || !isCallableNumber(onFile)) return null;
  return { phone: onFile, say: [{ key: 'numberOnFile', params: { ending: onFile.slice(-4) } }] };
}

/** A P1 callback when no agent took the call: the caller hears the deadline and the call ends. */
function bookP1(ctx: EmergencyContext, world: World, phone: string | null): EmergencyTransition {
  const target = callbackTarget(ctx, world, phone);
  if (target === null) return askNumberFirst('P1');
  return { to: 'p1CallbackBooked', say: target.say, ...bookCallback(ctx, world, 'P1', 'no-agent-answered', target.phone) };
}

/** A P2 callback to `phone`, booked as soon as the caller asks for it, then the P2 menu. */
function bookP2(ctx: EmergencyContext, world: World, phone: string | null): EmergencyTransition {
  const target = callbackTarget(ctx, world, phone);
  if (target === null) return askNumberFirst('P2');
  const booked = bookCallback(ctx, world, 'P2', 'p2', target.phone);
  return { to: 'p2Menu', ...booked, say: [{ key: 'p2Booked', params: callbackParams({ ...ctx, ...booked.context }, 'P2') }, ...target.say] };
}

/** What a state that ends the call gathers: nothing; its words are the last the caller hears. */
const endsCall = { input: () => ({ kind: 'end' }) as const };

/** What booking a callback reads: a fresh reference, and the phone on file for a caller without a callable number. */
const booking = (ctx: EmergencyContext): Needs => ({ reference: true, phoneOnFileOf: ctx.customer?.customerId ?? null });

/** A caller whose callback is booked and who then fails a prompt three times still has it: they are told so. */
const keepBookedCallback = (ctx: EmergencyContext) =>
  ctx.callback ? { to: 'callbackStillBooked', say: [] } : undefined;

export const emergencyFlow: FlowDefinition<EmergencyContext> = {
  name: 'emergency',
  initial: 'askId',
  maxTries: 3,
  onTooManyTries: { to: 'tooManyTries', say: [], outcome: 'too-many-tries' },

  createContext: ({ language }) => ({
    language,
    tries: 0,
    canSwitchLanguage: true,
    pairs: 0,
    typedId: null,
    codeSpent: false,
    customer: null,
    priority: null,
    agents: [],
    agentIndex: 0,
    queued: false,
    callback: null,
    held: null,
  }),

  describe: (ctx) => ({ customerId: ctx.customer?.customerId ?? null, priority: ctx.priority }),

  states: {
    askId: {
      say: (ctx) =>
        ctx.canSwitchLanguage
          ? [{ key: 'welcome' }, { key: 'askId' }, { key: 'switchOffer', language: other(ctx.language) }]
          : [{ key: 'askId' }],
      input: () => ({ kind: 'digits', finishOnKey: '#', timeout: 7 }),
      on(event, ctx) {
        const digits = event.type === 'digits' ? event.digits : '';
        if (ctx.canSwitchLanguage && digits.startsWith('*')) {
          return { to: 'askId', context: { language: other(ctx.language) } };
        }
        if (digits === '') return { to: 'askId', retry: true, say: [{ key: 'notHeard' }] };
        if (!isValidCustomerId(digits)) {
          return { to: 'askId', retry: true, say: [{ key: 'invalidId' }], context: { canSwitchLanguage: false } };
        }
        return { to: 'askCode', context: { typedId: digits, canSwitchLanguage: false } };
      },
    },

    askCode: {
      say: () => [{ key: 'askCode' }],
      // A caller told their code was spent waits for the next one, up to a whole 30 s step.
      input: (ctx) => ({ kind: 'digits', finishOnKey: '#', numDigits: 6, timeout: ctx.codeSpent ? CODE_STEP_WAIT_SECONDS : 10 }),
      verifiesCode: (ctx) => ctx.typedId ?? '',
      // A refused caller held by a lock or a limit may get a callback to the phone on file.
      needs: (_ctx, event) => (event.type === 'code' && event.verification?.verified === false && event.verification.held ? { reference: true } : {}),
      on(event, ctx, world) {
        if (event.type !== 'code' || event.verification === null) {
          return { to: 'askCode', retry: true, say: [{ key: 'notHeard' }] };
        }
        const result = event.verification;
        if (!result.verified) {
          // Locked ID or limited number: no further try here, but never left alone.
          if (result.reason === 'caller_limited' || result.reason === 'locked') return holdCaller(ctx, world, result);
          const pairs = ctx.pairs + 1;
          if (pairs >= MAX_PAIRS) return { to: 'verificationFailed', context: { pairs, codeSpent: false }, outcome: 'refused' };
          // The right code, already spent by an earlier call: the ID is right, the next code will do.
          if (result.reason === 'reused_code') return { to: 'askCode', say: [{ key: 'codeUsed' }], context: { pairs, codeSpent: true } };
          return { to: 'askId', say: [{ key: 'noMatch' }], context: { pairs, typedId: null, codeSpent: false } };
        }
        const { customerId, name, plan, tier } = result.customer;
        const customer = { customerId, name, plan, tier, failuresLastDay: result.failuresLastDay };
        if (plan !== 'enterprise') return { to: 'notEnterprise', context: { customer }, outcome: 'not-enterprise' };
        const incidents = world.incidents();
        return {
          to: 'askPriority',
          context: { customer, codeSpent: false },
          say: [{ key: 'verified' }, ...(incidents.length ? [{ key: 'incidents' as const, params: { names: incidents.join('; ') } }] : [])],
        };
      },
    },

    askPriority: {
      say: () => [{ key: 'askPriority' }],
      input: () => ({ kind: 'digits', finishOnKey: '', numDigits: 1, timeout: 8 }),
      needs: (ctx, event) => {
        const digit = event.type === 'digits' ? event.digits : '';
        return digit === '1' ? { agents: true, ...booking(ctx) } : digit === '2' ? booking(ctx) : {};
      },
      on(event, ctx, world) {
        const digit = event.type === 'digits' ? event.digits : '';
        if (digit === '1') {
          const p1 = { ...ctx, priority: 'P1' as const };
          if (world.agentsFor(ctx.language).length === 0) return bookP1(p1, world, world.caller);
          const free = world.freeAgentsFor(ctx.language).slice(0, MAX_AGENTS_PER_CALL);
          if (free.length === 0) return joinQueue(p1, [{ key: 'allBusy' }]);
          return {
            to: 'transfer',
            say: [{ key: 'connecting' }],
            context: { priority: 'P1', agents: free, agentIndex: 0 },
            writes: { offeredAgent: free[0]!.agentId },
          };
        }
        if (digit === '2') {
          return bookP2({ ...ctx, priority: 'P2' }, world, world.caller);
        }
        if (digit === '3') return { to: 'p3Info', context: { priority: 'P3' }, outcome: 'p3-info' };
        return { to: 'askPriority', retry: true, say: [{ key: digit === '' ? 'notHeard' : 'notAnOption' }] };
      },
    },

    transfer: {
      say: () => [],
      input: (ctx) => {
        const agent = ctx.agents[ctx.agentIndex]!;
        return { kind: 'dial', timeout: TRANSFER_AGENT_RING_SECONDS, target: { agentId: agent.agentId, phone: agent.phone } };
      },
      needs: (ctx, event) => (event.type === 'dial-ended' && event.bridged ? {} : { agents: true, ...booking(ctx) }),
      on(event, ctx, world) {
        if (event.type === 'dial-ended' && event.bridged) {
          return { to: 'transferred', outcome: 'transferred', ...(ctx.queued && { writes: { leaveQueue: 'connected' } }) };
        }
        // The next agent of the list who is still free: one who since took another call, was offered
        // another caller, went off duty or was removed is skipped, not rung for 20 s for nothing.
        const free = new Set(world.freeAgentsFor(ctx.language).map((a) => a.agentId));
        let next = ctx.agentIndex + 1;
        while (next < ctx.agents.length && !free.has(ctx.agents[next]!.agentId)) next++;
        const agent = ctx.agents[next];
        if (agent) {
          return {
            to: 'transfer',
            say: [{ key: 'stillTrying' }],
            context: { agentIndex: next },
            writes: { offeredAgent: agent.agentId },
          };
        }
        if (ctx.queued) return joinQueue(ctx, [{ key: 'stillTrying' }]);
        return bookP1(ctx, world, world.caller);
      },
    },

    desk: {
      say: () => [],
      input: (ctx) => ({ kind: 'desk', phone: ctx.held!.desk!, timeout: DESK_RING_SECONDS }),
      needs: (_ctx, event) => (event.type === 'dial-ended' && event.bridged ? {} : { reference: true }),
      on(event, ctx, world) {
        if (event.type === 'dial-ended' && event.bridged) return { to: 'ended', outcome: 'backup-desk' };
        return callbackForHeld(ctx, world);
      },
    },

    queued: {
      say: () => [],
      input: () => ({ kind: 'enqueue' }),
      needs: (ctx) => ({ agents: true, ...booking(ctx) }),
      on(event, ctx, world) {
        if (event.type !== 'queue-left') return { to: 'queued' };
        const { offer } = event;
        if (offer.kind === 'offered') {
          // Offered a moment ago, when Twilio last fetched the wait URL. An agent who has since gone off
          // duty or been removed is not rung: the caller goes back to their place in the queue, or, with
          // nobody left on duty, gets the P1 callback.
          const onDuty = world.agentsFor(ctx.language);
          if (!onDuty.some((a) => a.agentId === offer.agent.agentId)) {
            return onDuty.length > 0 ? joinQueue(ctx, [{ key: 'stillTrying' }]) : leaveQueueForCallback(ctx, world);
          }
          return {
            to: 'transfer',
            say: [{ key: 'connecting' }],
            context: { agents: [offer.agent], agentIndex: 0 },
            writes: { offeredAgent: offer.agent.agentId },
          };
        }
        if (event.result === 'hangup') return { to: 'ended', outcome: 'abandoned', writes: { leaveQueue: 'left' } };
        // Pressed 1 for a callback, nobody was left on duty, or Twilio could not keep the caller in the queue.
        return leaveQueueForCallback(ctx, world);
      },
    },

    p2Menu: {
      say: () => [{ key: 'p2Menu' }],
      input: () => ({ kind: 'digits', finishOnKey: '', numDigits: 1, timeout: 6 }),
      on(event) {
        const digit = event.type === 'digits' ? event.digits : '';
        if (digit === '1') return { to: 'askCallbackNumber' };
        if (digit === '2') return { to: 'p2Record' };
        if (digit === '') return { to: 'goodbye' };
        return { to: 'p2Menu', retry: true, say: [{ key: 'notAnOption' }] };
      },
      onTooManyTries: keepBookedCallback,
    },

    askCallbackNumber: {
      say: () => [{ key: 'askCallbackNumber' }],
      input: () => ({ kind: 'digits', finishOnKey: '#', timeout: 10 }),
      needs: (ctx) => ({ callbackCountries: true, ...booking(ctx) }),
      on(event, ctx, world) {
        const digits = event.type === 'digits' ? event.digits : '';
        if (digits === '') return { to: 'askCallbackNumber', retry: true, say: [{ key: 'notHeard' }] };
        const phone = callableNumber(`+${digits}`);
        if (phone === null) return { to: 'askCallbackNumber', retry: true, say: [{ key: 'invalidNumber' }] };
        // The customer's own numbers need no country check; any other may be a toll-fraud destination.
        const own = phone === world.caller || phone === world.phoneOnFile(ctx.customer!.customerId);
        const refusal = callbackNumberRefusal(phone, own ? 'anywhere' : world.callbackCountries());
        if (refusal) return { to: 'askCallbackNumber', retry: true, say: [{ key: refusal === 'refused-range' ? 'numberRefusedRange' : 'numberRefusedCountry' }] };
        if (!ctx.callback) return ctx.priority === 'P1' ? bookP1(ctx, world, phone) : bookP2(ctx, world, phone);
        return {
          to: 'p2Menu',
          say: [{ key: 'numberChanged', params: { ending: digits.slice(-4) } }],
          writes: { changeCallbackPhone: phone },
        };
      },
      onTooManyTries: keepBookedCallback,
    },

    p2Record: {
      say: () => [{ key: 'recordPrompt' }],
      input: () => ({ kind: 'record', maxLength: 120, timeout: 5 }),
      on(event) {
        if (event.type !== 'recorded' || event.url === '') return { to: 'recordingSkipped' };
        return {
          to: 'recordingSaved',
          writes: { attachRecording: { url: event.url, durationSeconds: event.durationSeconds } },
        };
      },
    },

    p1CallbackBooked: {
      // A caller who held longer than the target is past the deadline already: promised the soonest call, not a time gone by.
      say: (ctx) =>
        ctx.callback!.dueAt > ctx.callback!.createdAt
          ? [{ key: 'noAgentCallback', params: callbackParams(ctx, 'P1') }]
          : [{ key: 'noAgentCallbackNow', params: { reference: ctx.callback!.reference } }],
      ...endsCall,
    },
    transferred: { say: () => [], ...endsCall },
    ended: { say: () => [], ...endsCall },
    recordingSaved: { say: () => [{ key: 'recordingSaved' }], ...endsCall },
    recordingSkipped: { say: () => [{ key: 'recordingSkipped' }], ...endsCall },
    callbackStillBooked: { say: () => [{ key: 'callbackStillBooked' }], ...endsCall },
    notEnterprise: {
      say: (ctx) => [{ key: 'notEnterprise', params: { channels: CHANNELS_BY_PLAN[ctx.customer!.plan].join(',') } }],
      ...endsCall,
    },
    p3Info: {
      say: (ctx) => {
        const tier = ctx.customer?.tier ?? 'standard';
        return [{ key: 'p3Info', params: { tier, target: slaFor(tier, 'P3') } }];
      },
      ...endsCall,
    },
    verificationFailed: { say: () => [{ key: 'noMatch' }, { key: 'verificationFailed' }], ...endsCall },
    tooManyTries: { say: () => [{ key: 'tooManyTries' }], ...endsCall },
    callerLimited: { say: () => [{ key: 'callerLimited' }], ...endsCall },
    heldCallbackBooked: { say: () => [{ key: 'heldCallback' }], ...endsCall },
    heldNoCallback: { say: () => [{ key: 'heldCallback' }], ...endsCall },
    goodbye: { say: () => [{ key: 'goodbye' }], ...endsCall },
  },
};
