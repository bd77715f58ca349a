/** How a person on the escalation list was told: a text, or a call that reads it out. */
export type EscalationChannel = 'sms' | 'call';
export type EscalationStatus = 'sending' | 'sent' | 'failed';

/** One person told (or being told) that a P1 caller found nobody: by which channel, and how it went. */
export interface Escalation {
  callbackId: number;
  channel: EscalationChannel;
  /** The number told, in E.164. */
  to: string;
  status: EscalationStatus;
  /** The message or call SID once sent; the error once failed. */
  detail: string | null;
  createdAt: number;
  updatedAt: number;
}

/** The escalations of P1 callbacks: each (callback, channel, number) at most once. */
export interface EscalationRepository {
  /** Claims the right to tell `to` about `callbackId` by `channel`: false if it was claimed before (by any instance). */
  claim(callbackId: number, channel: EscalationChannel, to: string, at: number): Promise<boolean>;
  /** Records how a claimed escalation went. */
  settle(callbackId: number, channel: EscalationChannel, to: string, status: 'sent' | 'failed', detail: string | null, at: number): Promise<void>;
  /** The escalations of one callback, in the order they were claimed. */
  ofCallback(callbackId: number): Promise<Escalation[]>;
}
