import type { Logger } from 'pino';
import type { CallbackRounds } from '../domain/callbackRounds.js';
import type { CallbackDialerRepository } from '../domain/storage/callbackDialer.js';
import type { Clock } from '../domain/clock.js';
import type { TwilioClient } from '../twilio/client.js';
import type { CallerIdSources } from './callerId.js';
import type { DialPolicy } from '../domain/callbackLegs.js';
import type { CallbackUrls } from './urls.js';

/** What the dialer worker and the callback calls' webhooks both work with. */
export interface DialingDeps {
  dialer: CallbackDialerRepository;
  /** A callback's rounds: who is rung, what a leg's news does, whose accept wins. */
  rounds: CallbackRounds;
  callerIds: CallerIdSources;
  /** Undefined in local mode: nothing is dialed. */
  twilio: TwilioClient | undefined;
  clock: Clock;
  logger: Logger;
  urls: CallbackUrls;
  /** How long a claim, a round's live calls, or an accepted round ringing the customer is held. */
  leaseMs: number;
  policy?: DialPolicy;
}
