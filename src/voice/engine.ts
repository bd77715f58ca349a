import { randomInt } from 'node:crypto';
import type { Logger } from 'pino';
import type { CallRecord } from '../domain/storage/calls.js';
import type { Repositories, Store } from '../domain/storage/index.js';
import type { AgentRepository } from '../domain/storage/agents.js';
import type { Clock } from '../domain/clock.js';
import { CALL_SID, callableNumber } from '../domain/customer.js';
import { keepingUnreadableAudit, type VerifyCaller } from '../domain/verifyCaller.js';
import { toLanguage } from '../../voice-flows/prompts/index.js';
import { speakersFirst } from '../domain/agentLanguages.js';
import type { AgentOffer, BaseContext, CallWrites, FlowDefinition, FlowEvent, Needs, QueueOffer, Transition, World } from './flow.js';
import { renderState, type VoiceUrls } from './render.js';
import { twimlDocument } from './twiml.js';

/** The form parameters of a Twilio voice webhook, already signature-checked. */
export type VoiceParams = Record<string, string | undefined>;

export interface EngineDeps {
  store: Store;
  /** Agents on duty now, in the order they should be offered calls, each marked free or not. */
  agentsOnDuty(agents: AgentRepository): Promise<Array<AgentOffer & { free: boolean }>>;
  /** Why a caller left the P1 queue, as the queue recorded it. */
  queueOffer(tx: Repositories, callSid: string): Promise<QueueOffer>;
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
  /** Calling codes a typed callback number may be in. */
  callbackCountries(tx: Repositories): Promise<ReadonlySet<string>>;
  /** Side effects that must follow a committed step (texts, metrics); never awaited by the call. */
  afterCommit?(call: CallRecord, writes: CallWrites): void;
}

/** What the engine gathered for a transition: only what its state said it needs. */
interface Facts {
  agents?: Array<AgentOffer & { free: boolean }>;
  reference?: string;
  phoneOnFile?: { customerId: string; phone: string | null };
  callbackCountries?: ReadonlySet<string>;
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
 * Runs a flow definition over Twilio webhooks. Each request is one unit of work: rehydrate the call by
 * CallSid, gather what the state's transition needs (the verification of a code, the agents on duty,
 * a fresh reference, ...), apply the caller's input with the state's pure transition, then store the
 * new snapshot and the step's changes, and render TwiML. A retried request gets the stored answer.
 */
export function createFlowEngine<C extends BaseContext>(flow: FlowDefinition<C>, deps: EngineDeps): FlowEngine {
  const { store, clock, urls } = deps;

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

  async function newReference(tx: Repositories): Promise<string> {
    for (;;) {
      const reference = String(randomInt(1_000_000, 10_000_000));
      if (!(await tx.callbacks.referenceTaken(reference))) return reference;
    }
  }

  async function gather(tx: Repositories, needs: Needs): Promise<Facts> {
    const facts: Facts = {};
    if (needs.agents) facts.agents = await deps.agentsOnDuty(tx.agents);
    if (needs.reference) facts.reference = await newReference(tx);
    if (needs.phoneOnFileOf) {
      const customerId = needs.phoneOnFileOf;
      facts.phoneOnFile = { customerId, phone: (await tx.customers.get(customerId))?.phone ?? null };
    }
    if (needs.callbackCountries) facts.callbackCountries = await deps.callbackCountries(tx);
    return facts;
  }

  function world(call: CallRecord<C>, now: number, facts: Facts): World {
    const unasked = (fact: string): never => {
      throw new Error(`state ${call.state} of flow ${flow.name} read ${fact} without asking for it in needs()`);
    };
    const agents = () => facts.agents ?? unasked('the agents');
    return {
      now,
      callStartedAt: call.startedAt,
      callSid: call.callSid,
      // Callbacks are booked to this number: Twilio's anonymous marker is never one.
      caller: callableNumber(call.from),
      backupNumber: deps.backupNumber ?? null,
      agentsFor: (language) => speakersFirst(agents(), language),
      freeAgentsFor: (language) => speakersFirst(agents().filter((a) => a.free), language),
      incidents: deps.incidents,
      phoneOnFile: (customerId) =>
        facts.phoneOnFile?.customerId === customerId ? facts.phoneOnFile.phone : unasked(`the phone on file of ${customerId}`),
      callbackCountries: () => facts.callbackCountries ?? unasked('the callback countries'),
      newReference: () => facts.reference ?? unasked('a new reference'),
    };
  }

  async function resolveEvent(tx: Repositories, call: CallRecord<C>, params: VoiceParams): Promise<FlowEvent> {
    const state = flow.states[call.state]!;
    const input = state.input(call.context);
    if (input.kind === 'dial' || input.kind === 'desk') {
      return { type: 'dial-ended', bridged: params.DialBridged === 'true', status: params.DialCallStatus ?? '' };
    }
    if (input.kind === 'enqueue') {
      return { type: 'queue-left', result: params.QueueResult ?? '', offer: await deps.queueOffer(tx, call.callSid) };
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
    const customerId = state.verifiesCode(call.context);
    return {
      type: 'code',
      digits,
      verification: digits === '' ? null : await deps.verifyCaller(tx, customerId, digits, { caller: call.from, callSid: call.callSid }),
    };
  }

  /**
   * The step's changes besides the snapshot, in the step's unit of work. An agent `reserved` before the
   * step was marked offered by the reservation itself.
   */
  async function applyChanges(tx: Repositories, call: CallRecord<C>, changes: CallWrites, reserved: number | undefined): Promise<void> {
    const at = call.updatedAt;
    if (changes.scheduleCallback?.unverified) await tx.callbacks.scheduleUnverified(changes.scheduleCallback);
    else if (changes.scheduleCallback) await tx.callbacks.schedule(changes.scheduleCallback);
    if (changes.changeCallbackPhone) await tx.callbacks.changePhone(call.callSid, changes.changeCallbackPhone, at);
    if (changes.attachRecording) {
      const { url, durationSeconds } = changes.attachRecording;
      await tx.callbacks.attachRecording(call.callSid, url, durationSeconds, at);
    }
    if (changes.offeredAgent !== undefined && changes.offeredAgent !== reserved) await tx.agents.markOffered(changes.offeredAgent, at, call.callSid);
    if (changes.enqueue) await tx.queue.enqueue({ callSid: call.callSid, ...changes.enqueue }, at);
    if (changes.leaveQueue) await tx.queue.close(call.callSid, changes.leaveQueue, at);
  }

  /** A Dial's action means the agent's leg is over: the agent is free before the flow looks for one. */
  async function freeDialedAgents(tx: Repositories, params: VoiceParams): Promise<void> {
    const now = clock.now();
    try {
      await tx.agents.markAvailable(params.CallSid!, now);
      if (CALL_SID.test(params.DialCallSid ?? '')) await tx.agents.markAvailable(params.DialCallSid!, now);
    } catch (err) {
      // Availability is bookkeeping beside the call: a failure to record it is logged, never heard.
      deps.logger.error({ err, callSid: params.CallSid }, 'could not record agent free');
    }
  }

  /** The state's pure transition for the event, with the call's tries counted (and too many of them handled). */
  function decide(
    state: FlowDefinition<C>['states'][string],
    call: CallRecord<C>,
    event: FlowEvent,
    w: World,
  ): { transition: Transition<C>; tries: number } {
    let transition = state.on!(event, call.context, w);
    let tries = 0;
    if (transition.retry) {
      tries = call.context.tries + 1;
      if (tries >= flow.maxTries) {
        const { to, say, outcome } = state.onTooManyTries?.(call.context) ?? flow.onTooManyTries;
        transition = { to, say: [...(transition.say ?? []), ...say], outcome, ...(transition.writes && { writes: transition.writes }) };
        tries = 0;
      }
    }
    return { transition, tries };
  }

  async function startCall(tx: Repositories, params: VoiceParams): Promise<string> {
    const callSid = params.CallSid!;
    const existing = await tx.calls.get<C>(callSid);
    if (existing) return existing.lastResponse ?? render(existing);
    const now = clock.now();
    const language = toLanguage(await tx.numbers.languageOf(params.To ?? ''));
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
    if (!(await tx.calls.start(call))) return (await tx.calls.get<C>(callSid))?.lastResponse ?? call.lastResponse;
    deps.logger.info({ callSid, language, state: call.state }, 'call started');
    return call.lastResponse;
  }

  /** One step, as one unit of work: the answer, and what was committed if the call moved on. */
  async function advance(
    tx: Repositories,
    params: VoiceParams,
    step: number,
  ): Promise<{ answer: string; moved?: { from: string; next: CallRecord<C>; changes: CallWrites; outcome?: string } }> {
    const callSid = params.CallSid!;
    if (params.DialCallStatus) await freeDialedAgents(tx, params);
    const call = await tx.calls.get<C>(callSid);
    if (!call) return { answer: await startCall(tx, params) };
    const key = deps.inputDigest(inputKey(step, params));
    const state = flow.states[call.state];
    // A retry of the request that made the current state, or a stale one: the answer already given.
    if (step !== call.step || !state?.on) {
      if (step === call.step - 1 && call.lastInputKey === key) deps.logger.debug({ callSid, step }, 'webhook retried');
      return { answer: call.lastResponse ?? render(call) };
    }
    // The call is over (its final status callback came first; Twilio does not promise the order) and
    // whatever is answered now is never played. Only a recording is still filed, as Twilio posts it
    // after the caller hangs up; anything else would act for nobody: put a caller who has gone back
    // in the P1 queue, or hold an agent for a ring that never comes.
    if (call.endedAt !== null && state.input(call.context).kind !== 'record') return { answer: call.lastResponse ?? render(call) };

    const now = clock.now();
    const event = await resolveEvent(tx, call, params);
    const facts = state.needs ? await gather(tx, state.needs(call.context, event)) : {};
    let { transition, tries } = decide(state, call, event, world(call, now, facts));
    // An agent the facts showed free is offered only if no other step took them since they were read
    // (another instance, on PostgreSQL): the reservation decides, and without them the step is decided again.
    let reserved: number | undefined;
    for (;;) {
      const offered = transition.writes?.offeredAgent;
      const fact = offered === undefined ? undefined : facts.agents?.find((a) => a.agentId === offered);
      if (offered === undefined || !fact?.free) break;
      if (await tx.agents.reserve(offered, now, callSid)) {
        reserved = offered;
        break;
      }
      deps.logger.info({ callSid, agentId: offered }, 'agent taken by another offer meanwhile: deciding again');
      facts.agents = facts.agents!.map((a) => (a.agentId === offered ? { ...a, free: false } : a));
      ({ transition, tries } = decide(state, call, event, world(call, now, facts)));
    }
    // Assigned onto a fresh object, not spread: a key a transition adds that the stored context lacks
    // would otherwise give every context built here a hidden class of its own (docs/performance.md).
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
    if (!(await tx.calls.advance(next, call.step))) {
      // A concurrent request moved the call on first: the agent reserved here is not rung for this one.
      if (reserved !== undefined) await tx.agents.endOffer(reserved, callSid);
      return { answer: (await tx.calls.get<C>(callSid))?.lastResponse ?? next.lastResponse };
    }
    const changes = transition.writes ?? {};
    await applyChanges(tx, next, changes, reserved);
    return { answer: next.lastResponse, moved: { from: call.state, next, changes, ...(transition.outcome && { outcome: transition.outcome }) } };
  }

  return {
    /** Answers the first webhook of a call ("A call comes in"). */
    incoming: (params) => store.unitOfWork((tx) => startCall(tx, params)),

    /** Answers a Gather, Dial or Record action of step `step`. */
    async step(params, step) {
      const { answer, moved } = await keepingUnreadableAudit(store.verification, () => store.unitOfWork((tx) => advance(tx, params, step)));
      if (moved) {
        const { next, outcome } = moved;
        deps.logger.info({ callSid: next.callSid, from: moved.from, to: next.state, step: next.step, ...(outcome && { outcome }) }, 'call advanced');
        // Committed: what follows a step (a text confirming the callback) may go out now.
        deps.afterCommit?.(next, moved.changes);
      }
      return answer;
    },
  };
}

/** What the webhooks need of an engine, whatever its flow's context. */
export interface FlowEngine {
  incoming(params: VoiceParams): Promise<string>;
  step(params: VoiceParams, step: number): Promise<string>;
}
