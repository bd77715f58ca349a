import type { Logger } from 'pino';
import type { SecretBox } from '../crypto/secretBox.js';
import type { StoredSecret } from './storage/customers.js';
import type { Repositories } from './storage/index.js';
import type { AuditEntry, VerificationRepository } from './storage/verification.js';
import type { Clock } from './clock.js';
import { callableNumber, idEnding, maskPhone, type Customer, type Factor, type Tier } from './customer.js';
import { isValidCustomerId } from './customerId.js';
import { afterFailure, isLocked } from './lockPolicy.js';
import { openSecret } from './otpSecrets.js';
import { CALLER_LIMIT, FAILED_CODES_LOOKBACK_MS } from './serviceNumbers.js';
import { isCodeShaped, matchingStep, newOtpSecret } from './totp.js';
import type { VerificationGuard } from './verificationGuard.js';

/** Why a pair was refused: for logs and the audit only, never told to the caller. */
export type RefusalReason =
  | 'malformed_id'
  | 'malformed_code'
  | 'unknown_customer'
  | 'suspended'
  | 'locked'
  | 'wrong_code'
  | 'reused_code'
  | 'caller_limited';

/**
 * A caller refused by a lock or a number limit, who is not to be left alone: what a person at the
 * backup desk is told, and the account's phone on file when the typed ID is an active Enterprise
 * account that has one (the only number such a caller may be called back on).
 */
export interface HeldCaller {
  /** Failed codes behind the refusal: the ID's failures in a row, or the number's refusals in the window. */
  failures: number;
  account: { customerId: string; name: string; tier: Tier; phone: string } | null;
}

export type Verification =
  | {
      verified: true;
      customer: Customer;
      factor: Factor;
      /** Codes refused for this ID in the day before: a person checks before acting when this is not 0. */
      failuresLastDay: number;
    }
  | { verified: false; reason: RefusalReason; lockedNow: boolean; held?: HeldCaller };

export interface VerifyContext {
  /** The calling number, as Twilio gives it (may be "anonymous", "+266696687" or empty). */
  caller?: string | null;
  callSid?: string | null;
}

/** What a check reads and writes: run inside the step's unit of work, so the code is spent with the step. */
export type VerificationRepositories = Pick<Repositories, 'customers' | 'verification'>;

export type VerifyCaller = (
  repos: VerificationRepositories,
  customerId: string,
  code: string,
  context: VerifyContext,
) => Promise<Verification>;

const FACTORS: Factor[] = ['dashboard', 'authenticator'];

/**
 * Refusals that count as a guess: a pair checked against an ID. A locked ID or a malformed entry tells
 * the caller nothing, and a reused code was a real code (a retry, or a replay the per-ID count catches).
 */
export const GUESS_REASONS: readonly RefusalReason[] = ['unknown_customer', 'suspended', 'wrong_code'];

/** Refusals of a code typed for an ID that tell an agent someone may have been guessing it. */
export const FAILED_CODE_REASONS: readonly RefusalReason[] = ['wrong_code', 'suspended', 'locked', 'caller_limited'];

const unreadableAudits = new WeakMap<object, AuditEntry>();

/**
 * Runs `work` (a unit of work that checks a code) and, when it failed on a secret that would not open,
 * audits the attempt once the unit is undone: the operator sees it in the audit, uncounted.
 */
export async function keepingUnreadableAudit<T>(
  verification: Pick<VerificationRepository, 'recordRefusal'>,
  work: () => Promise<T>,
): Promise<T> {
  try {
    return await work();
  } catch (err) {
    const audit = err !== null && typeof err === 'object' ? unreadableAudits.get(err) : undefined;
    if (audit) await verification.recordRefusal(audit);
    throw err;
  }
}

/**
 * The bucket the audit and the per-number limit file a calling number under: the number, or "anonymous"
 * for every caller without one. A missing or empty From is withheld too: were it no bucket at all,
 * leaving the number out would escape the limit.
 */
export function callerKey(caller: string | null | undefined): string {
  return callableNumber(caller) ?? 'anonymous';
}

interface Deps {
  box: SecretBox;
  clock: Clock;
  logger: Logger;
  /** Checked after every refused guess (src/domain/verificationGuard.ts). */
  guard?: Pick<VerificationGuard, 'check'>;
}

/**
 * Builds verifyCaller: checks a (customer ID, code) pair the way a bank would. Unknown, suspended,
 * locked and wrong are refused alike and in alike time (every attempt opens two secrets and checks
 * the code against both); a code works once; failures lock the ID.
 */
export function createVerifyCaller({ box, clock, logger, guard }: Deps): VerifyCaller {
  // Stands in for a missing factor so every attempt does the same work.
  const decoy = newOtpSecret();
  const decoySealed = box.seal(decoy, 'hotline/decoy');

  return async function verifyCaller({ customers, verification }, customerId, code, context) {
    const now = clock.now();
    const entry = (result: AuditEntry['result'], reason: string, factor: Factor | null = null): AuditEntry => ({
      at: now,
      customerId: customerId.slice(0, 40),
      caller: callerKey(context.caller),
      callSid: context.callSid ? context.callSid.slice(0, 64) : null,
      result,
      reason,
      factor,
    });
    const log = logger.child({ callSid: context.callSid ?? undefined, customer: idEnding(customerId) });

    const caller = callerKey(context.caller);
    const allowed = caller === 'anonymous' ? CALLER_LIMIT.withheldGuesses : CALLER_LIMIT.guesses;
    const callerRefusals = await verification.refusalsFromCaller(caller, now - CALLER_LIMIT.windowMs, GUESS_REASONS);
    const callerLimited = callerRefusals >= allowed;

    if (!isValidCustomerId(customerId)) {
      const reason = callerLimited ? 'caller_limited' : 'malformed_id';
      await verification.recordRefusal(entry('refused', reason));
      log.info({ result: 'refused', reason }, 'verification refused');
      return callerLimited
        ? { verified: false, reason, lockedNow: false, held: { failures: callerRefusals, account: null } }
        : { verified: false, reason, lockedNow: false };
    }

    // Read for update: a refusal below counts a failure from it (two calls guessing one ID count both).
    const state = await verification.failureStateForUpdate(customerId);
    const customer = await customers.get(customerId);
    const secrets = customer ? await customers.secrets(customerId, FACTORS) : [];
    const codeShaped = isCodeShaped(code);

    let match: { factor: Factor; step: number; spent: number | null } | undefined;
    try {
      for (const factor of FACTORS) {
        const stored: StoredSecret | undefined = secrets.find((s) => s.kind === factor);
        const secret = stored ? openSecret(box, customerId, factor, stored.sealed) : box.open(decoySealed, 'hotline/decoy');
        const step = codeShaped ? matchingStep(secret, code, now) : null;
        if (stored && step !== null && !match) match = { factor, step, spent: stored.lastStep };
      }
    } catch (err) {
      // A secret that does not open (a key missing from the configuration, a tampered row) is the
      // operator's problem, not the caller's: audit the attempt uncounted, then let the call fall back to a human.
      // The throw undoes the unit of work the check runs in, so the audit is written after it (keepingUnreadableAudit).
      if (err !== null && typeof err === 'object') unreadableAudits.set(err, entry('refused', 'unreadable_secret'));
      log.error({ err }, 'a stored secret did not open: check HOTLINE_SECRET_KEY and HOTLINE_SECRET_KEY_PREVIOUS');
      throw err;
    }
    const unspent = match !== undefined && (match.spent === null || match.step > match.spent);

    if (callerLimited || isLocked(state, now)) {
      const reason = callerLimited ? 'caller_limited' : 'locked';
      // The right code, refused only for the lock or the limit, is spent all the same: otherwise it
      // stays valid for up to 90 s for whoever heard or saw it.
      if (match && unspent) await verification.spendRefusedStep(customerId, match.factor, match.step, entry('refused', reason, match.factor));
      else await verification.recordRefusal(entry('refused', reason));
      log.warn(
        { result: 'refused', reason, ...(callerLimited && { caller: maskPhone(context.caller) }) },
        callerLimited ? 'verification refused: too many failed attempts from this number' : 'verification refused: ID is locked',
      );
      const account =
        customer && customer.status === 'active' && customer.plan === 'enterprise' && customer.phone
          ? { customerId: customer.customerId, name: customer.name, tier: customer.tier ?? 'standard', phone: customer.phone }
          : null;
      const failures = callerLimited ? callerRefusals : state.consecutiveFailures;
      return { verified: false, reason, lockedNow: false, held: { failures, account } };
    }

    let reason: RefusalReason;
    if (!codeShaped) reason = 'malformed_code';
    else if (!customer) reason = 'unknown_customer';
    else if (customer.status !== 'active') reason = 'suspended';
    else if (!match) reason = 'wrong_code';
    else if (!unspent) reason = 'reused_code';
    else if (await verification.consumeStep(customerId, match.factor, match.step, entry('verified', 'ok', match.factor))) {
      const failuresLastDay = await verification.refusalsForCustomer(customerId, now - FAILED_CODES_LOOKBACK_MS, FAILED_CODE_REASONS);
      log.info({ result: 'verified', factor: match.factor, caller: maskPhone(context.caller), failuresLastDay }, 'caller verified');
      return { verified: true, customer, factor: match.factor, failuresLastDay };
    } else reason = 'reused_code';

    const next = afterFailure(state, now);
    await verification.saveFailureState(customerId, next, entry('refused', reason, match?.factor ?? null));
    const lockedNow = isLocked(next, now);
    if (GUESS_REASONS.includes(reason)) await guard?.check(verification);
    log.info({ result: 'refused', reason, failures: next.consecutiveFailures }, 'verification refused');
    if (lockedNow) {
      log.warn(
        { lockedUntil: next.lockedForReview ? 'until unlocked' : new Date(next.lockedUntil!).toISOString() },
        'customer ID locked after repeated failures',
      );
    }
    return { verified: false, reason, lockedNow };
  };
}
