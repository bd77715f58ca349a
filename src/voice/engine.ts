import { randomInt } from 'node:crypto';
import type { Logger } from 'pino';
import type { CallbackRepository } from '../domain/storage/callbacks.js';
import type { CallRecord, CallRepository, CallWrites } from '../domain/storage/calls.js';
import type { CustomerRepository } from '../domain/storage/customers.js';
import type { NumberRepository } from '../domain/storage/numbers.js';
import { speakersFirst } from '../domain/agentLanguages.js';
import type { Clock } from '../domain/clock.js';
import { callableNumber } from '../domain/customer.js';
import type { VerifyCaller } from '../domain/verifyCaller.js';
import { toLanguage } from '../../voice-flows/prompts/index.js';
import type { AgentOffer, BaseContext, FlowDefinition, FlowEvent, QueueOffer, Transition, World } from './flow.js';
import { renderState, type VoiceUrls } from './render.js';
import { twimlDocument } from './twiml.js';

/** The form parameters of a Twilio voice webhook, already signature-checked. */
export type VoiceParams = Record<string, string | undefined>;

export interface EngineDeps {
  calls: CallRepository;
  callbacks: CallbackRepository;
  numbers: NumberRepository;
  /** Agents on duty now, in the order they should be offered calls, each marked free or not. */
  agentsOnDuty(): Array<AgentOffer & { free: boolean }>;
  /** Why a caller left the P1 queue, as the queue recorded it. */
  queueOffer(callSid: string): QueueOffer;
  verifyCaller: VerifyCaller;
  clock: Clock;
  urls: VoiceUrls;
  logger: Logger;
  /** HOTLINE_BACKUP_NUMBER, if any. */
  backupNumber?: string;
  /** A keyed hash of a step's input: what is kept to recognise a retry, as the digits may be a one-time code. */
  inputDigest(input: string): string;
  /** Names of unresolved incidents, from a cache filled in the background. */
  incidents(): string[];
  customers: Pick<CustomerRepository, 'get'>;
  /** Calling codes a typed callback number may be in. */
  callbackCountries(): ReadonlySet<string>;
  /** Side effects that must follow a committed step (texts, metrics); never awaited by the call. */
  afterCommit?(call: CallRecord, writes: CallWrites): void;
}

/** Keys, digits, star and hash only, at most 32 of them: anything else a request carries is ignored. */
function cleanDigits(raw: string | undefined): string {
  return (raw ?? '').replace(/[^0-9*#]/g, '').slice(0, 32);
}

/** What identifies a step's input, to tell a retry from a new answer; it holds the digits typed, so only its keyed hash is stored. */
function inputKey(step: number, p: VoiceParams): string {
  return [step, cleanDigits(p.Digits), p.DialBridged ?? '', p.DialCallStatus ?? '', p.RecordingUrl ?? '', p.QueueResult ?? ''].join('|');
}

/**
 * Runs a flow definition over Twilio webhooks. Each request is: rehydrate the call by CallSid, apply
 * the caller's input with the state's pure transition, persist the new snapshot (with the domain
 * writes of that step) in one transaction, then render TwiML. A retried request gets the stored answer.
 */
export function createFlowEngine<C extends BaseContext>(flow: FlowDefinition<C>, deps: EngineDeps): FlowEngine {
  const { calls, clock, urls } = deps;

  function render(call: CallRecord<C>, before: Transition<C>['say'] = []): string {
    const state = flow.states[call.state]!;
    return twimlDocument(
      renderState({
        says: [...before, ...state.say(call.context)],
        input: state.input(call.context),
        language: call.context.language,
        step: call.step,
        callSid: call.callSid,
        urls,
      }),
    );
  }

  function world(call: CallRecord<C>, now: number): World {
    // Read once per step, however often the transition asks.
    let onDuty: Array<AgentOffer & { free: boolean }> | undefined;
    return {
      now,
      callStartedAt: call.startedAt,
      callSid: call.callSid,
      // Callbacks are booked to this number: Twilio's anonymous marker is never one.
      caller: callableNumber(call.from),
      backupNumber: deps.backupNumber ?? null,
      agentsFor: (language) => speakersFirst((onDuty ??= deps.agentsOnDuty()), language),
      freeAgentsFor: (language) => speakersFirst((onDuty ??= deps.agentsOnDuty()).filter((a) => a.free), language),
      incidents: deps.incidents,
      phoneOnFile: (customerId) => deps.customers.get(customerId)?.phone ?? null,
      callbackCountries: deps.callbackCountries,
      newReference() {
        for (;;) {
          const reference = String(randomInt(1_000_000, 10_000_000));
          if (!deps.callbacks.referenceTaken(reference)) return reference;
        }
      },
    };
  }

  function resolveEvent(call: CallRecord<C>, params: VoiceParams): FlowEvent {
    const state = flow.states[call.state]!;
    const input = state.input(call.context);
    if (input.kind === 'dial' || input.kind === 'desk') {
      return { type: 'dial-ended', bridged: params.DialBridged === 'true', status: params.DialCallStatus ?? '' };
    }
    if (input.kind === 'enqueue') {
      return { type: 'queue-left', result: params.QueueResult ?? '', offer: deps.queueOffer(call.callSid) };
    }
    if (input.kind === 'record') {
      return {
        type: 'recorded',
        url: /^https:\/\//.test(params.RecordingUrl ?? '') ? params.RecordingUrl! : '',
        durationSeconds: Math.max(0, Math.floor(Number(params.RecordingDuration) || 0)),
      };
    }
    const digits = cleanDigits(params.Digits);
    if (!state.verifiesCode) return { type: 'digits', digits };
    const typedId = (call.context as unknown as { typedId?: string | null }).typedId ?? '';
    return {
      type: 'code',
      digits,
      verification: digits === '' ? null : deps.verifyCaller(typedId, digits, { caller: call.from, callSid: call.callSid }),
    };
  }

  /** Answers the first webhook of a call ("A call comes in"). */
  function incoming(params: VoiceParams): string {
    const callSid = params.CallSid!;
    const existing = calls.get<C>(callSid);
    if (existing) return existing.lastResponse ?? render(existing);
    const now = clock.now();
    const language = toLanguage(deps.numbers.languageOf(params.To ?? ''));
    const context = flow.createContext({ language, caller: callableNumber(params.From) });
    const call: CallRecord<C> = {
      callSid,
      flow: flow.name,
      state: flow.initial,
      context,
      step: 0,
      lastInputKey: 'incoming',
      lastResponse: null,
      from: (params.From ?? '').slice(0, 32) || null,
      to: (params.To ?? '').slice(0, 32) || null,
      language,
      customerId: null,
      priority: null,
      outcome: null,
      startedAt: now,
      updatedAt: now,
      endedAt: null,
    };
    call.lastResponse = render(call);
    if (!calls.start(call)) return calls.get<C>(callSid)?.lastResponse ?? call.lastResponse;
    deps.logger.info({ callSid, language, state: call.state }, 'call started');
    return call.lastResponse;
  }

  /** Answers a Gather, Dial or Record action of step `step`. */
  function step(params: VoiceParams, step: number): string {
    const callSid = params.CallSid!;
    const call = calls.get<C>(callSid);
    if (!call) return incoming(params);
    const key = deps.inputDigest(inputKey(step, params));
    const state = flow.states[call.state];
    // A retry of the request that made the current state, or a stale one: the answer already given.
    if (step !== call.step || !state?.on) {
      if (step === call.step - 1 && call.lastInputKey === key) deps.logger.debug({ callSid, step }, 'webhook retried');
      return call.lastResponse ?? render(call);
    }
    // The call is over (its final status callback came first; Twilio does not promise the order) and
    // whatever is answered now is never played. Only a recording is still filed, as Twilio posts it
    // after the caller hangs up; anything else would act for nobody: put a caller who has gone back
    // in the P1 queue, or hold an agent for a ring that never comes.
    if (call.endedAt !== null && state.input(call.context).kind !== 'record') return call.lastResponse ?? render(call);

    const now = clock.now();
    let transition = state.on(resolveEvent(call, params), call.context, world(call, now));
    let tries = 0;
    if (transition.retry) {
      tries = call.context.tries + 1;
      if (tries >= flow.maxTries) {
        const { to, say, outcome } = state.onTooManyTries?.(call.context) ?? flow.onTooManyTries;
        transition = { to, say: [...(transition.say ?? []), ...say], outcome, ...(transition.writes && { writes: transition.writes }) };
        tries = 0;
      }
    }
    // Assigned onto a fresh object, not spread: a key a transition adds that the stored context lacks
    // would otherwise give every context built here a hidden class of its own (README, "Performance").
    const context = Object.assign({}, call.context, transition.context, { tries }) as C;
    const described = flow.describe(context);
    const next: CallRecord<C> = {
      ...call,
      state: transition.to,
      context,
      step: call.step + 1,
      lastInputKey: key,
      language: context.language,
      customerId: described.customerId,
      priority: described.priority,
      outcome: transition.outcome ?? call.outcome,
      updatedAt: now,
    };
    next.lastResponse = render(next, transition.say);
    const writes = transition.writes ?? {};
    if (!calls.advance(next, call.step, writes)) {
      return calls.get<C>(callSid)?.lastResponse ?? next.lastResponse;
    }
    deps.logger.info(
      { callSid, from: call.state, to: next.state, step: next.step, ...(transition.outcome && { outcome: transition.outcome }) },
      'call advanced',
    );
    deps.afterCommit?.(next, writes);
    return next.lastResponse;
  }

  return { incoming, step };
}

/** What the webhooks need of an engine, whatever its flow's context. */
export interface FlowEngine {
  incoming(params: VoiceParams): string;
  step(params: VoiceParams, step: number): string;
}
