import { AGENT_ACTIVITIES, type AgentActivity } from '../duty.js';
import { type Roster } from '../roster.js';

/** How an agent's duty is decided: forced on, forced off, or by their weekly roster. */
export const DUTY_MODES = ['on', 'off', 'roster'] as const;
export type DutyMode = (typeof DUTY_MODES)[number];

/** The languages the agent console speaks, as an agent chooses them. */
export const CONSOLE_LANGUAGES = ['en', 'ja'] as const;
export type ConsoleLanguage = (typeof CONSOLE_LANGUAGES)[number];

/** What an agent is doing right now (src/domain/duty.ts, activity). */
export const AGENT_STATES = AGENT_ACTIVITIES;
export type AgentState = AgentActivity;

export interface Agent {
  agentId: number;
  name: string;
  phone: string;
  /** BCP 47 tags of the languages the agent takes calls in, e.g. ["en-US", "ja-JP"]. */
  languages: string[];
  /** On duty at the moment the agent was read: the manual switch, or the roster when duty is 'roster'. */
  onDuty: boolean;
  duty: DutyMode;
  /** The weekly rules, or null when none were set. */
  roster: Roster | null;
  /** On a call; else being offered one or ringing for a callback; else available on duty, or off duty (activity in duty.ts). */
  state: AgentState;
  /** The call the agent is bridged to, from the whisper accept until the call's status says it ended. */
  onCall: { callSid: string; since: number } | null;
  isAdmin: boolean;
  /** The console language the agent chose; null until they choose one. */
  consoleLanguage: ConsoleLanguage | null;
  lastOfferedAt: number | null;
  /** What the agent's current offer is for (a CallSid, or callback:ID) until that offer ends; null when none. */
  offeredFor: string | null;
  createdAt: number;
  updatedAt: number;
  /** When the agent was removed (left the team); null for a current agent. */
  removedAt: number | null;
}

export interface NewAgent {
  name: string;
  phone: string;
  languages: string[];
  /** The manual switch: true is duty 'on', false is 'off'. `duty` wins when both are given. */
  onDuty?: boolean;
  duty?: DutyMode;
  isAdmin?: boolean;
}

/** A change to an agent; `consoleLanguage: null` forgets their choice. */
export type AgentPatch = Partial<NewAgent> & { consoleLanguage?: ConsoleLanguage | null };

/** Agents who take verified transfers and callbacks, their duty and their availability. */
export interface AgentRepository {
  create(agent: NewAgent, at: number): Promise<Agent>;
  get(agentId: number): Promise<Agent | undefined>;
  /** Current agents; removed ones are left out (get still finds them, for the history that names them). */
  list(): Promise<Agent[]>;
  /** Undefined for an unknown or removed agent: a removed agent is not changed again. */
  update(agentId: number, patch: AgentPatch, at: number): Promise<Agent | undefined>;
  /**
   * The agent left: off duty for good, their console password and sessions gone, and the callbacks
   * they had claimed given back to the dialer, in one transaction. The row stays for the history that
   * names them. Removing a removed agent changes nothing. Undefined for an unknown agent.
   */
  remove(agentId: number, at: number): Promise<{ agent: Agent; releasedClaims: number } | undefined>;
  /** Agents on duty now (by the repository's clock), longest since their last offer first. */
  onDuty(): Promise<Agent[]>;
  /** Agents on duty at `now`, on a call or not, longest since their last offer first. */
  onDutyAt(now: number): Promise<Agent[]>;
  /** Agents on duty at `now` and free (see isFreeAt), longest since their last offer first. */
  freeOnDutyAt(now: number): Promise<Agent[]>;
  /** Notes that the call `offeredFor` (a CallSid) was offered to the agent: held until that offer ends, and last in line after it. */
  markOffered(agentId: number, at: number, offeredFor: string): Promise<void>;
  /**
   * Offers `offeredFor` (a CallSid, or callback:ID) to the agent if they are on duty and free at `now` (see isFreeAt),
   * marking them offered in the same transaction, so no other offer takes them meanwhile. False if not.
   */
  reserve(agentId: number, now: number, offeredFor: string): Promise<boolean>;
  /** The offer of `offeredFor` to the agent ended without a call (declined, rang out): free again at once. */
  endOffer(agentId: number, offeredFor: string): Promise<boolean>;
  /** Replaces the agent's weekly roster; undefined for an unknown or removed agent. */
  setRoster(agentId: number, roster: Roster, at: number): Promise<Agent | undefined>;
  /**
   * The agent was bridged to `callSid` (the customer's call; `legSid` is the agent's own leg, if any).
   * False if the agent is unknown or either call was already reported ended (a late callback).
   */
  markOnCall(agentId: number, callSid: string, options?: { legSid?: string; at?: number }): Promise<boolean>;
  /** The agent's leg on `callSid` (either SID) is over: frees the agents on it, and ends offers of that call; returns the agents it was on. */
  markAvailable(callSid: string, at?: number): Promise<Agent[]>;
  /** `callSid` (a customer's call or an agent's leg) ended for good: frees its agents and refuses a later markOnCall for it. */
  markCallEnded(callSid: string, at?: number): Promise<Agent[]>;
  /** Frees one agent whatever call they were marked on (the agent says so in the console). */
  release(agentId: number, at: number): Promise<Agent | undefined>;
}
