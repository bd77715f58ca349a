import type { Logger } from 'pino';
import { idEnding, maskPhone } from '../domain/customer.js';
import type { Clock } from '../domain/clock.js';
import type { CallRecord } from '../domain/storage/calls.js';
import type { Callback, NewCallback } from '../domain/storage/callbacks.js';
import type { EscalationChannel } from '../domain/storage/escalations.js';
import type { Store } from '../domain/storage/index.js';
import type { TwilioClient } from '../twilio/client.js';
import { errorSummary } from '../twilio/errors.js';
import { el, twimlDocument } from '../voice/twiml.js';
import type { EmergencyContext } from '../../voice-flows/emergency.js';
import { callerIdFor, type CallerIdSources } from './callerId.js';

/** Why nobody took the P1 call, as the escalation list reads it. */
export type EscalationCause = 'nobody-on-duty' | 'nobody-accepted' | 'unverified';

/** The facts an escalation tells: nothing a person on the list could not already see in the console. */
export interface EscalationFacts {
  cause: EscalationCause;
  reference: string;
  dueAt: number;
  tier: string;
  idEnding: string;
}

const CAUSES: Record<EscalationCause, string> = {
  'nobody-on-duty': 'no engineer was on duty',
  'nobody-accepted': 'no engineer accepted the call',
  unverified: 'the caller could not be verified automatically (ID locked or number limited)',
};

const utc = (at: number) => `${new Date(at).toISOString().slice(0, 16).replace('T', ' ')} UTC`;

/** The text each number on the list gets (and hears, when escalation calls are on). */
export function escalationText(f: EscalationFacts): string {
  const tier = f.tier === 'premium' ? 'Premium' : 'Standard';
  return (
    `Emergency line, P1: ${CAUSES[f.cause]}. ${tier} Enterprise customer, ID ending ${f.idEnding}. ` +
    `Callback ${f.reference} is due by ${utc(f.dueAt)}. Take it in the agent console.`
  );
}

/** The cause, from what the call's context says happened before the callback was booked. */
export function causeOf(context: Partial<EmergencyContext>, scheduled: Pick<NewCallback, 'unverified'>): EscalationCause {
  if (scheduled.unverified || context.held) return 'unverified';
  return (context.agents?.length ?? 0) > 0 || context.queued ? 'nobody-accepted' : 'nobody-on-duty';
}

export interface EscalationDeps {
  store: Pick<Store, 'escalations' | 'callbacks'>;
  twilio: TwilioClient | undefined;
  logger: Logger;
  clock: Clock;
  callerIds: CallerIdSources;
  /** HOTLINE_ESCALATION_NUMBERS and HOTLINE_ESCALATION_CALLS. */
  numbers: readonly string[];
  calls: boolean;
}

/**
 * Tells the escalation list when a P1 caller finds nobody: no engineer on duty, none accepted, or a
 * caller automatic verification could not take. Once per callback and number and channel, whichever
 * instance sees it (the store's claim), after the step that booked the callback is committed; never
 * awaited by the call, and a failure is recorded and logged (numbers masked), never heard.
 */
export function createEscalations(deps: EscalationDeps) {
  const { store, logger } = deps;
  const inFlight = new Set<Promise<void>>();

  async function tell(callback: Callback, channel: EscalationChannel, to: string, text: string, from: string | undefined): Promise<void> {
    if (!(await store.escalations.claim(callback.callbackId, channel, to, deps.clock.now()))) return;
    const log = { reference: callback.reference, channel, to: maskPhone(to) };
    let status: 'sent' | 'failed';
    let detail: string;
    if (!deps.twilio || !from) {
      status = 'failed';
      detail = !deps.twilio ? 'no Twilio credentials (local mode)' : 'no number to send from (set HOTLINE_CALLER_ID)';
      logger.warn({ ...log, why: detail }, 'escalation not sent');
    } else {
      try {
        if (channel === 'sms') {
          detail = (await deps.twilio.messages.create({ to, from, body: text })).sid;
        } else {
          const twiml = twimlDocument([
            el('Say', { voice: 'Polly.Joanna', language: 'en-US' }, text),
            el('Pause', { length: 1 }),
            el('Say', { voice: 'Polly.Joanna', language: 'en-US' }, text),
          ]);
          detail = (await deps.twilio.calls.create({ to, from, twiml })).sid;
        }
        status = 'sent';
        logger.info({ ...log, sid: detail }, 'escalation sent');
      } catch (err) {
        status = 'failed';
        const summary = errorSummary(err);
        detail = summary.httpStatus ? `HTTP ${summary.httpStatus}: ${summary.message}` : summary.message;
        logger.warn({ ...log, ...summary }, 'escalation failed');
      }
    }
    await store.escalations.settle(callback.callbackId, channel, to, status, detail, deps.clock.now());
  }

  async function escalate(call: CallRecord, scheduled: NewCallback): Promise<void> {
    try {
      const callback = await store.callbacks.byCallSid(call.callSid);
      if (!callback) return;
      const text = escalationText({
        cause: causeOf(call.context as Partial<EmergencyContext>, scheduled),
        reference: callback.reference,
        dueAt: callback.dueAt,
        tier: callback.tier,
        idEnding: idEnding(callback.customerId),
      });
      const from = await callerIdFor(deps.callerIds, call.callSid, call.to);
      const channels: EscalationChannel[] = deps.calls ? ['sms', 'call'] : ['sms'];
      await Promise.all(deps.numbers.flatMap((to) => channels.map((channel) => tell(callback, channel, to, text, from))));
    } catch (err) {
      logger.error({ err, callSid: call.callSid }, 'escalation not completed');
    }
  }

  return {
    /** After a committed step that booked a callback (the flow engine's afterCommit hook): escalates a P1 one. */
    afterCommit(call: CallRecord, scheduled: NewCallback | undefined): void {
      if (!scheduled || scheduled.priority !== 'P1' || deps.numbers.length === 0) return;
      const running = escalate(call, scheduled).finally(() => inFlight.delete(running));
      inFlight.add(running);
    },
    /** Resolves when every escalation started so far has been sent or has failed (shutdown, tests). */
    async idle(): Promise<void> {
      while (inFlight.size > 0) await Promise.allSettled([...inFlight]);
    },
  };
}

export type Escalations = ReturnType<typeof createEscalations>;
