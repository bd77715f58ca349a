import type { Logger } from 'pino';
import type { CallRecord } from '../domain/storage/calls.js';
import type { NewCallback } from '../domain/storage/callbacks.js';
import { maskPhone } from '../domain/customer.js';
import type { TwilioClient } from '../twilio/client.js';
import { errorSummary } from '../twilio/errors.js';
import { callerIdFor, type CallerIdSources } from './callerId.js';
import { toLanguage } from '../../voice-flows/prompts/index.js';
import { DIALER_TEXTS } from './texts.js';

/** What a confirmation text needs of the callback just scheduled. */
export interface ScheduledCallback {
  reference: string;
  dueAt: number;
  phone: string;
  language: string;
}

export type SmsOutcome = { sent: true; sid: string } | { sent: false; reason: string };

/**
 * Texts the caller the reference and the deadline of the callback their call just scheduled, in the
 * call's language. Runs after the step is committed and is never awaited by the call: a failed or
 * slow text is logged (number masked) and changes nothing about the call or the callback.
 */
export function createCallbackConfirmations(deps: { twilio: TwilioClient | undefined; logger: Logger; callerIds: CallerIdSources }) {
  const { logger } = deps;
  const inFlight = new Set<Promise<SmsOutcome>>();

  async function send(callback: ScheduledCallback, from: string | undefined): Promise<SmsOutcome> {
    const to = maskPhone(callback.phone);
    if (!deps.twilio) {
      logger.debug({ reference: callback.reference }, 'callback confirmation not texted: no Twilio credentials (local mode)');
      return { sent: false, reason: 'local mode' };
    }
    if (!from) {
      logger.warn({ reference: callback.reference, to }, 'callback confirmation not texted: no number to send from (set HOTLINE_CALLER_ID)');
      return { sent: false, reason: 'no sender number' };
    }
    try {
      const body = DIALER_TEXTS[toLanguage(callback.language)].sms(callback.reference, callback.dueAt);
      const message = await deps.twilio.messages.create({ to: callback.phone, from, body });
      logger.info({ reference: callback.reference, to, messageSid: message.sid }, 'callback confirmation texted');
      return { sent: true, sid: message.sid };
    } catch (err) {
      logger.warn({ reference: callback.reference, to, ...errorSummary(err) }, 'callback confirmation text failed');
      return { sent: false, reason: errorSummary(err).message };
    }
  }

  /** The hook's work: the number to text from (read from the store), then the text; never rejects. */
  async function confirm(scheduled: ScheduledCallback, call: CallRecord): Promise<SmsOutcome> {
    let from: string | undefined;
    try {
      from = await callerIdFor(deps.callerIds, call.callSid, call.to);
    } catch (err) {
      logger.error({ err, reference: scheduled.reference }, 'callback confirmation text not attempted');
      return { sent: false, reason: 'no sender number read' };
    }
    return send(scheduled, from);
  }

  return {
    /** After a committed step that scheduled a callback (the flow engine's afterCommit hook): texts the customer. */
    afterCommit(call: CallRecord, scheduled: NewCallback | undefined): void {
      // An unverified caller's callback goes to the phone on file unasked: no text, which would let
      // whoever keeps an ID locked send texts to its owner.
      if (!scheduled || scheduled.unverified) return;
      const sending = confirm(scheduled, call).finally(() => inFlight.delete(sending));
      inFlight.add(sending);
    },
    /** Sends one confirmation (the hook's work), resolving with what happened; never rejects. */
    send,
    /** Resolves when every text started so far has been answered or has failed (shutdown, tests). */
    async idle(): Promise<void> {
      while (inFlight.size > 0) await Promise.allSettled([...inFlight]);
    },
  };
}

export type CallbackConfirmations = ReturnType<typeof createCallbackConfirmations>;
