/**
 * The webhooks of a callback's calls, as domain operations: the agent's leg answers (whisper), the
 * agent presses 1 (first accept wins, then the customer is dialed), the customer answers
 * (announcement and key gate) and presses a key (connected), the Dial ends, and the status callbacks
 * of both legs. Each resolves with TwiML or nothing once its writes are on disk; none rejects for what
 * Twilio sends.
 */
import type { AgentRepository } from '../domain/storage/agents.js';
import type { LegNewsResult } from '../domain/callbackRounds.js';
import type { CallbackLeg } from '../domain/storage/callbackDialer.js';
import type { Callback, CallbackRepository } from '../domain/storage/callbacks.js';
import type { CustomerRepository } from '../domain/storage/customers.js';
import { agentLanguage } from '../domain/agentLanguages.js';
import { callingCodeOf } from '../domain/callingCodes.js';
import { CALL_SID, idEnding } from '../domain/customer.js';
import { DIAL_POLICY } from '../domain/serviceNumbers.js';
import type { CallbackTryResult } from '../metrics/metrics.js';
import { errorSummary } from '../twilio/errors.js';
import type { VoiceParams } from '../voice/engine.js';
import { toLanguage } from '../../voice-flows/prompts/index.js';
import { callerIdFor } from './callerId.js';
import { agentWhisperTwiml, customerConnectingTwiml, customerGateTwiml, dialCustomerTwiml, goodbyeTwiml } from './callbackTwiml.js';
import { DIALER_TEXTS, type WhisperFacts } from './texts.js';
import { isFinalLeg, isLegStatus } from '../domain/callbackLegs.js';
import type { DialingDeps } from './deps.js';

export interface CallbackCallDeps extends DialingDeps {
  callbacks: Pick<CallbackRepository, 'get'>;
  customers: Pick<CustomerRepository, 'get'>;
  agents: Pick<AgentRepository, 'get' | 'markOnCall' | 'markCallEnded'>;
  /** Told once per decided try at the customer (metrics). */
  onCustomerTry?(result: CallbackTryResult): void;
}

export type CallbackCalls = ReturnType<typeof createCallbackCalls>;

/** Twilio's ends of a customer leg nobody answered, as the try metric names them. */
const UNANSWERED = ['no-answer', 'busy', 'failed', 'canceled'] as const satisfies readonly CallbackTryResult[];

export function createCallbackCalls(deps: CallbackCallDeps) {
  const { dialer, rounds, clock, logger, urls } = deps;
  const policy = deps.policy ?? DIAL_POLICY;
  /** Minutes to the next try after a missed one, as callers and agents hear it. */
  const retryMinutes = Math.round(policy.retrySpacingMs / 60_000);

  /** The leg named in the URL, if it belongs to the callback named there and the request's CallSid fits it. */
  async function legFor(callbackId: number, legId: number, callSid: string | undefined): Promise<CallbackLeg | undefined> {
    const leg = Number.isSafeInteger(legId) ? await dialer.leg(legId) : undefined;
    if (!leg || leg.callbackId !== callbackId) return undefined;
    if (leg.callSid !== null && callSid !== undefined && leg.callSid !== callSid) return undefined;
    return leg;
  }

  /** The customer leg named in the URL, or (no leg named) the callback's latest customer leg. */
  async function customerLegFor(callbackId: number, legId: number, callSid: string | undefined): Promise<CallbackLeg | undefined> {
    const leg = legId > 0 ? await legFor(callbackId, legId, callSid) : (await dialer.legs(callbackId)).filter((l) => l.kind === 'customer').at(-1);
    return leg?.kind === 'customer' ? leg : undefined;
  }

  /**
   * Bookkeeping beside the call (agent availability), a write of its own after the call's: a failure
   * is logged, never heard, and undoes nothing of the call's.
   */
  async function sideNote(what: string, write: () => Promise<unknown>): Promise<void> {
    try {
      await write();
    } catch (err) {
      logger.error({ err }, `callback: could not record ${what}`);
    }
  }

  /** Rings in a ring-all round that lost: hang them up (best effort; their accept is refused anyway). */
  async function hangUpOthers(callbackId: number, winner: CallbackLeg): Promise<void> {
    const client = deps.twilio;
    if (!client) return;
    for (const leg of await dialer.legs(callbackId)) {
      if (leg.kind !== 'agent' || leg.round !== winner.round || leg.legId === winner.legId) continue;
      if (leg.callSid === null || isFinalLeg(leg.status)) continue;
      // Twilio: 'canceled' ends a queued or ringing call, 'completed' one in progress.
      const status = leg.status === 'in-progress' ? 'completed' : 'canceled';
      // Not awaited: the accepting agent's Dial does not wait on Twilio's answers about the others.
      client
        .calls(leg.callSid)
        .update({ status })
        .catch((err: unknown) => logger.warn({ callbackId, legId: leg.legId, err: errorSummary(err) }, 'callback: could not hang up another agent'));
    }
  }

  function logChange(result: LegNewsResult) {
    const { callback, change, leg } = result;
    if (!callback || !change || !leg) return;
    if (leg.kind === 'customer' && (change.to === 'pending' || change.to === 'failed')) {
      deps.onCustomerTry?.(UNANSWERED.find((s) => s === leg.status) ?? (leg.status === 'completed' ? 'no_key' : 'failed'));
    }
    const fields = { callbackId: callback.callbackId, reference: callback.reference, legId: leg.legId, status: callback.status, attempts: callback.attempts };
    if (change.to === 'failed') logger.warn({ ...fields, lastError: change.lastError }, 'callback failed: the customer did not answer any try');
    else if (change.to === 'pending') logger.info({ ...fields, lastError: change.lastError, nextAttemptAt: change.nextAttemptAt }, 'callback back in the queue');
    else logger.info(fields, `callback ${change.to}`);
  }

  async function whisperFacts(callback: Callback, now: number): Promise<WhisperFacts> {
    const customer = await deps.customers.get(callback.customerId);
    // Read at dial time: a phone on file changed since the booking counts as the customer's own.
    const typed = callback.phone !== callback.callerPhone && callback.phone !== customer?.phone;
    return {
      tier: callback.tier,
      name: customer?.name ?? '',
      ending: idEnding(callback.customerId),
      priority: callback.priority,
      reason: callback.reason,
      minutesLeft: Math.floor((callback.dueAt - now) / 60_000),
      tryNumber: callback.attempts + 1,
      otherNumberCountry: typed ? (callingCodeOf(callback.phone) ?? callback.phone.replace(/\D/g, '').slice(0, 3)) : null,
      unverified: callback.unverified,
    };
  }

  return {
    /** The agent's leg answered: the whisper, or a goodbye if the callback is no longer theirs to take. */
    async agentAnswered(callbackId: number, legId: number, params: VoiceParams): Promise<string> {
      const leg = await legFor(callbackId, legId, params.CallSid);
      const standing = leg && (await rounds.standing(leg.legId));
      const agent = leg?.agentId != null ? await deps.agents.get(leg.agentId) : undefined;
      const language = agentLanguage(toLanguage(standing?.callback.language), agent?.languages);
      // An agent removed while their phone rang (they left the team) takes nothing either.
      if (!standing || standing.verdict === 'lost' || (agent && agent.removedAt !== null)) {
        logger.info({ callbackId, legId }, 'callback whisper refused: taken, no longer waiting, or the agent was removed');
        return goodbyeTwiml(language, DIALER_TEXTS[language].taken);
      }
      logger.info({ callbackId, legId, agentId: leg!.agentId }, 'callback whisper played to agent');
      return agentWhisperTwiml({
        language,
        facts: await whisperFacts(standing.callback, clock.now()),
        recordingUrl: standing.callback.recordingUrl,
        acceptUrl: urls.accept(callbackId, legId),
      });
    },

    /** The agent's key: 1 takes the callback if nobody did first, and dials the customer. */
    async agentPressed(callbackId: number, legId: number, params: VoiceParams): Promise<string> {
      const leg = await legFor(callbackId, legId, params.CallSid);
      const agent = leg?.agentId != null ? await deps.agents.get(leg.agentId) : undefined;
      const callbackLanguage = toLanguage(leg ? (await rounds.standing(leg.legId))?.callback.language : undefined);
      const language = agentLanguage(callbackLanguage, agent?.languages);
      if (!leg || (agent && agent.removedAt !== null)) return goodbyeTwiml(language, DIALER_TEXTS[language].taken);
      if ((params.Digits ?? '') !== '1') {
        logger.info({ callbackId, legId }, 'callback not accepted by agent');
        return goodbyeTwiml(language, DIALER_TEXTS[language].noKey);
      }
      const now = clock.now();
      // Awaited before the Dial is answered: the customer's leg is on disk before Twilio dials them.
      const outcome = await rounds.accept(leg.legId, now, now + deps.leaseMs);
      if (outcome.result === 'lost') {
        logger.info({ callbackId, legId }, 'callback accept refused: another agent was first');
        return goodbyeTwiml(language, DIALER_TEXTS[language].taken);
      }
      const { callback } = outcome;
      logger.info({ callbackId, legId, agentId: leg.agentId, reference: callback.reference }, 'callback accepted by agent');
      if (leg.agentId !== null && CALL_SID.test(params.CallSid ?? '')) {
        await sideNote('the agent on a call', () => deps.agents.markOnCall(leg.agentId!, params.CallSid!, { at: now }));
      }
      await hangUpOthers(callbackId, leg);
      return dialCustomerTwiml({
        language,
        callerId: await callerIdFor(deps.callerIds, callback.callSid),
        customerPhone: callback.phone,
        announcementUrl: urls.customer(callbackId, outcome.customerLegId),
        statusUrl: urls.status(callbackId, outcome.customerLegId),
        dialActionUrl: urls.dialed(callbackId, outcome.customerLegId),
      });
    },

    /**
     * The customer's leg answered: who is calling and why, in their language, then a key to be
     * connected. A URL without a leg (placed before legs were named in it) means the callback's latest
     * customer leg.
     */
    async customerAnswered(callbackId: number, legId: number, params: VoiceParams): Promise<string> {
      const leg = await customerLegFor(callbackId, legId, params.CallSid);
      const callback = await deps.callbacks.get(callbackId);
      const language = toLanguage(callback?.language);
      logger.info({ callbackId, legId: leg?.legId }, 'callback: customer leg answered, waiting for a key');
      return customerGateTwiml({
        language,
        reference: callback?.reference ?? '',
        keyUrl: urls.customerKey(callbackId, leg?.legId ?? legId),
        minutesToNextTry: callback && callback.attempts + 1 < policy.maxTries ? retryMinutes : null,
      });
    },

    /**
     * The customer pressed a key: a person is on the line, the callback is connected and the legs
     * bridged; unless the engineer is gone (their leg or the customer's ended), then the customer hears so.
     */
    async customerPressed(callbackId: number, legId: number, params: VoiceParams): Promise<string> {
      const leg = await customerLegFor(callbackId, legId, params.CallSid);
      const result = leg && (await rounds.confirmCustomer(leg.legId, clock.now()));
      const language = toLanguage(result?.callback.language ?? (await deps.callbacks.get(callbackId))?.language);
      if (!result || result.leg.confirmedAt === null) {
        logger.warn({ callbackId, legId, status: result?.callback.status }, 'callback: customer pressed a key, but the engineer left or the callback is no longer being dialed');
        return goodbyeTwiml(language, DIALER_TEXTS[language].customerNotConnected);
      }
      if (result.change) {
        logger.info({ callbackId, legId: leg!.legId, reference: result.callback.reference }, 'callback connected');
        deps.onCustomerTry?.('connected');
      }
      return customerConnectingTwiml(language);
    },

    /** The agent's Dial to the customer ended: applied like the customer leg's status, then told to the agent. */
    async dialEnded(callbackId: number, legId: number, params: VoiceParams): Promise<string> {
      const leg = await legFor(callbackId, legId, params.DialCallSid);
      const dialStatus = params.DialCallStatus ?? '';
      let callback = leg ? (await rounds.standing(leg.legId))?.callback : undefined;
      if (leg && leg.kind === 'customer' && isLegStatus(dialStatus)) {
        // Without a DialCallSid (a number Twilio could not dial at all) the leg's end is still a try.
        const callSid = CALL_SID.test(params.DialCallSid ?? '') ? params.DialCallSid! : null;
        const result = await rounds.applyLegNews({ legId: leg.legId, callSid, status: dialStatus }, clock.now(), policy);
        logChange(result);
        callback = result.callback ?? callback;
      }
      const agentLeg = leg ? (await dialer.legs(callbackId)).find((l) => l.round === leg.round && l.callSid === params.CallSid) : undefined;
      const agent = agentLeg?.agentId != null ? await deps.agents.get(agentLeg.agentId) : undefined;
      const language = agentLanguage(toLanguage(callback?.language), agent?.languages);
      const texts = DIALER_TEXTS[language];
      if (!callback) return goodbyeTwiml(language, texts.sorry);
      const customerLeg = leg && (await dialer.leg(leg.legId));
      if ((callback.status === 'pending' || callback.status === 'failed') && customerLeg?.status === 'completed' && customerLeg.confirmedAt === null) {
        return goodbyeTwiml(language, texts.customerNoKeyAgent(callback.status === 'failed' ? null : retryMinutes));
      }
      if (callback.status === 'failed') return goodbyeTwiml(language, texts.customerNoAnswerLastTry);
      if (callback.status === 'pending') return goodbyeTwiml(language, texts.customerNoAnswer(retryMinutes));
      return goodbyeTwiml(language, texts.callEnded);
    },

    /** A status callback of an agent leg or a customer leg. */
    async status(callbackId: number, legId: number, params: VoiceParams): Promise<void> {
      const callSid = params.CallSid ?? '';
      const status = params.CallStatus ?? '';
      const leg = await legFor(callbackId, legId, callSid);
      if (!leg || !CALL_SID.test(callSid) || !isLegStatus(status)) {
        logger.warn({ callbackId, legId, status }, 'callback status callback ignored: unknown leg or status');
        return;
      }
      const sequence = Number(params.SequenceNumber);
      const result = await rounds.applyLegNews(
        { legId: leg.legId, callSid, status, sequenceNumber: params.SequenceNumber !== undefined && Number.isSafeInteger(sequence) ? sequence : null },
        clock.now(),
        policy,
      );
      if (result.duplicate) {
        logger.debug({ callbackId, legId, status }, 'callback status callback repeated');
        return;
      }
      logChange(result);
      if (leg.kind === 'agent' && isFinalLeg(status)) await sideNote('the agent free', () => deps.agents.markCallEnded(callSid, clock.now()));
    },
  };
}
