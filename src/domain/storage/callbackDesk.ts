import type { CallbackOutcome } from '../callbackOutcomes.js';
import type { Callback } from './callbacks.js';

export type NoteKind = 'note' | 'claimed' | 'released' | 'completed';

/** A note an agent wrote on a callback, or an event of their work on it. */
export interface CallbackNote {
  noteId: number;
  callbackId: number;
  agentId: number | null;
  agentName: string | null;
  kind: NoteKind;
  body: string;
  createdAt: number;
}

/** A callback as agents work on it: who claimed it, who completed it, how many notes it has. */
export interface DeskCallback extends Callback {
  claimedBy: { agentId: number; name: string } | null;
  claimedAt: number | null;
  completedBy: { agentId: number; name: string } | null;
  /** What the completing agent recorded: reached, unreachable, duplicate; null if not recorded or still open. */
  outcome: CallbackOutcome | null;
  notes: number;
  /** When the customer was connected (pressed a key on the callback call), and when its deadline passed unconnected, if recorded. */
  connectedAt: number | null;
  breachedAt: number | null;
}

/** One call to the customer's phone for a callback (the agent's Dial), as it ended or stands now. */
export interface CustomerTry {
  at: number;
  /** Twilio's status of the leg: 'completed' once it ended after being answered. */
  status: string;
  /** When the customer pressed a key to be connected: a person, not a voicemail. */
  confirmedAt: number | null;
}

/** Why an agent's action on a callback did not happen. */
export type DeskRefusal = 'not-found' | 'closed' | 'claimed-by-other';

/** Statuses in which a callback is still owed to the customer. */
export const OPEN_STATUSES = ['pending', 'dialing', 'connected', 'failed'] as const;

/** Agents' work on callbacks: claims, completion and notes. */
export interface CallbackDeskRepository {
  get(callbackId: number): Promise<DeskCallback | undefined>;
  /** Open callbacks (earliest due first), then those closed since `closedSince` (latest first). */
  board(closedSince: number, limit: number): Promise<DeskCallback[]>;
  notes(callbackId: number): Promise<CallbackNote[]>;
  /** The calls to the customer's phone so far, oldest first. */
  customerTries(callbackId: number): Promise<CustomerTry[]>;
  addNote(callbackId: number, agentId: number, body: string, at: number): Promise<DeskRefusal | null>;
  /** Claims an open callback for the agent (taking it over from another agent when `takeOver`). */
  claim(callbackId: number, agentId: number, at: number, options?: { takeOver?: boolean }): Promise<DeskRefusal | null>;
  release(callbackId: number, agentId: number, at: number): Promise<DeskRefusal | null>;
  /** Marks an open callback completed by the agent, with its outcome if given; completing it again changes nothing. */
  complete(callbackId: number, agentId: number, at: number, outcome?: CallbackOutcome): Promise<DeskRefusal | null>;
}
