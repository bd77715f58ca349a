import type { NewCallback } from '../domain/storage/callbacks.js';
import type { Verification } from '../domain/verifyCaller.js';
import type { Language, PromptKey, PromptParams } from '../../voice-flows/prompts/index.js';

/** What a step changes besides the call's own snapshot: applied by the engine in the step's unit of work. */
export interface CallWrites {
  scheduleCallback?: NewCallback;
  changeCallbackPhone?: string;
  attachRecording?: { url: string; durationSeconds: number };
  offeredAgent?: number;
  /** Puts the caller in the P1 queue (back at their original place if they were in it). */
  enqueue?: { customerId: string; tier: 'standard' | 'premium'; language: string };
  /** Takes the caller out of the P1 queue for good. */
  leaveQueue?: 'connected' | 'left';
}

/** A prompt to speak: its key, its values, and optionally another language than the call's. */
export interface Say {
  key: PromptKey;
  params?: PromptParams;
  language?: Language;
}

/** What a state gathers from the caller, and so which TwiML verb ends it. */
export type Input =
  | { kind: 'digits'; finishOnKey: '#' | ''; numDigits?: number; timeout: number }
  | { kind: 'record'; maxLength: number; timeout: number }
  | { kind: 'dial'; timeout: number; target: { agentId: number; phone: string } }
  /** The backup desk: a human line, whose whisper says why the caller could not be verified. */
  | { kind: 'desk'; timeout: number; phone: string }
  | { kind: 'enqueue' }
  | { kind: 'end' };

/** What happened, as the engine hands it to a transition. */
export type FlowEvent =
  | { type: 'digits'; digits: string }
  | { type: 'code'; digits: string; verification: Verification | null }
  | { type: 'dial-ended'; bridged: boolean; status: string }
  | { type: 'recorded'; url: string; durationSeconds: number }
  | { type: 'queue-left'; result: string; offer: QueueOffer };

/** Why a caller left the P1 queue, as the queue recorded it. */
export type QueueOffer =
  | { kind: 'offered'; agent: AgentOffer }
  | { kind: 'callback-requested' }
  | { kind: 'none' };

/** An on-duty agent as a transition sees it. */
export interface AgentOffer {
  agentId: number;
  phone: string;
  languages: string[];
}

/** What a call needs of an agent to ring them: the one projection of an agent record the flow sees. */
export const agentOffer = (a: AgentOffer): AgentOffer => ({ agentId: a.agentId, phone: a.phone, languages: a.languages });

/**
 * What a transition may consult besides its event and context, gathered by the engine before the
 * transition runs (see StateDefinition.needs); a transition itself reads nothing and writes nothing.
 */
export interface World {
  now: number;
  /** When the call began: the customer's first contact, from which first-response targets count. */
  callStartedAt: number;
  callSid: string;
  /** The calling number in E.164, or null when withheld. */
  caller: string | null;
  /** HOTLINE_BACKUP_NUMBER: the human desk, or null when none is configured. */
  backupNumber: string | null;
  /** Agents on duty now, speakers of the language first. */
  agentsFor(language: Language): AgentOffer[];
  /** Agents on duty and free to take a call now, speakers of the language first. */
  freeAgentsFor(language: Language): AgentOffer[];
  incidents(): string[];
  newReference(): string;
  /** The customer's phone on file in E.164, or null. */
  phoneOnFile(customerId: string): string | null;
  /** Calling codes a number the caller types may be in (HOTLINE_CALLBACK_COUNTRIES or the line's countries). */
  callbackCountries(): ReadonlySet<string>;
}

/** Facts a transition may need gathered from storage (the others of World cost nothing to give). */
export interface Needs {
  /** The agents on duty, and which of them are free. */
  agents?: boolean;
  /** A callback reference not yet taken. */
  reference?: boolean;
  /** The phone on file of this customer. */
  phoneOnFileOf?: string | null;
  /** Calling codes a typed callback number may be in. */
  callbackCountries?: boolean;
}

/** The engine's part of every call context. */
export interface BaseContext {
  language: Language;
  /** Failed tries of the current prompt. */
  tries: number;
}

export interface Transition<C> {
  to: string;
  context?: Partial<C>;
  /** Spoken before the next state's own prompts. */
  say?: Say[];
  /** A failed try of this prompt: the engine counts it and, past the flow's limit, ends the call. */
  retry?: boolean;
  /** Domain data changed in the same transaction as the call's snapshot. */
  writes?: CallWrites;
  /** How the call ended, once it is known. */
  outcome?: string;
}

export interface StateDefinition<C> {
  /** Prompts spoken when the state is entered or repeated. */
  say(ctx: C): Say[];
  input(ctx: C): Input;
  /** The digits are a one-time code, checked against the customer ID this returns before the transition sees them. */
  verifiesCode?(ctx: C): string;
  /**
   * The facts of the World this transition may read for this event: the engine gathers only these,
   * in the step's unit of work, before the transition runs. Reading one not asked for is a bug, and throws.
   */
  needs?(ctx: C, event: FlowEvent): Needs;
  /** Where this state goes once its prompt has failed maxTries times, instead of the flow's onTooManyTries. */
  onTooManyTries?(ctx: C): { to: string; say: Say[]; outcome?: string } | undefined;
  on?(event: FlowEvent, ctx: C, world: World): Transition<C>;
}

/** A call flow as data: states, their prompts and inputs, and where each answer leads. */
export interface FlowDefinition<C extends BaseContext> {
  name: string;
  initial: string;
  /** Failed tries of one prompt before the call ends. */
  maxTries: number;
  /** Where the call goes once a prompt has failed maxTries times. */
  onTooManyTries: { to: string; say: Say[]; outcome: string };
  createContext(call: { language: Language; caller: string | null }): C;
  /** What the call record shows of the context: who is calling, at what priority. */
  describe(ctx: C): { customerId: string | null; priority: string | null };
  states: Record<string, StateDefinition<C>>;
}
