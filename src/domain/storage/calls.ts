/** The persisted snapshot of one call in a flow, keyed by Twilio's CallSid. */
export interface CallRecord<C = unknown> {
  callSid: string;
  flow: string;
  state: string;
  context: C;
  /** How many inputs have been applied; action URLs carry it so retries are recognised. */
  step: number;
  lastInputKey: string | null;
  lastResponse: string | null;
  from: string | null;
  to: string | null;
  language: string;
  customerId: string | null;
  priority: string | null;
  outcome: string | null;
  startedAt: number;
  updatedAt: number;
  endedAt: number | null;
}

export interface CallRepository {
  get<C>(callSid: string): Promise<CallRecord<C> | undefined>;
  /** Records a new call; false if one with this CallSid exists. */
  start(call: CallRecord): Promise<boolean>;
  /**
   * Stores the call's next snapshot if the stored step is still `fromStep` (a conditional update);
   * false if another request advanced it first. The step's other changes are the caller's to make in
   * the same unit of work (src/voice/engine.ts).
   */
  advance(call: CallRecord, fromStep: number): Promise<boolean>;
  /** Marks the call ended (idempotent), setting the outcome if the flow left none. */
  end(callSid: string, at: number, outcomeIfNone: string): Promise<void>;
  /** Calls not yet ended, oldest first. */
  live(limit: number): Promise<CallRecord[]>;
}
