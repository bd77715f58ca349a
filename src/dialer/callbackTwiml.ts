import { CUSTOMER_KEY_SECONDS, CUSTOMER_RING_SECONDS } from '../domain/serviceNumbers.js';
import { el, twimlDocument, type TwimlNode } from '../voice/twiml.js';
import { PROMPTS, type Language } from '../../voice-flows/prompts/index.js';
import { DIALER_TEXTS, type WhisperFacts } from './texts.js';

const say = (language: Language, text: string): TwimlNode => el('Say', { voice: PROMPTS[language].voice, language }, text);

/** A sentence, then the end of the leg. */
export function goodbyeTwiml(language: Language, text: string): string {
  return twimlDocument([say(language, text), el('Hangup')]);
}

/**
 * The whisper on the agent's leg: who is waiting, why, how long is left, their recorded description
 * if any, and 1 to accept. Without a key the leg hangs up: a voicemail never takes a callback.
 */
export function agentWhisperTwiml(options: {
  language: Language;
  facts: WhisperFacts;
  recordingUrl: string | null;
  acceptUrl: string;
}): string {
  const { language, facts, recordingUrl, acceptUrl } = options;
  const texts = DIALER_TEXTS[language];
  const description = recordingUrl && /^https:\/\//.test(recordingUrl) ? [say(language, texts.description), el('Play', {}, recordingUrl)] : [];
  return twimlDocument([
    el(
      'Gather',
      { input: 'dtmf', numDigits: 1, action: acceptUrl, method: 'POST', timeout: 8 },
      say(language, texts.whisper(facts)),
      ...description,
      say(language, texts.pressOne),
      el('Pause', { length: 1 }),
      say(language, texts.pressOne),
    ),
    say(language, texts.noKey),
    el('Hangup'),
  ]);
}

/**
 * The accepting agent's leg dials the customer. The customer hears the announcement (Number url)
 * when they answer, before the legs are bridged; the customer leg's status callbacks move the callback.
 */
export function dialCustomerTwiml(options: {
  language: Language;
  callerId: string | undefined;
  customerPhone: string;
  announcementUrl: string;
  statusUrl: string;
  dialActionUrl: string;
}): string {
  const { language } = options;
  return twimlDocument([
    say(language, DIALER_TEXTS[language].callingCustomer),
    el(
      'Dial',
      { callerId: options.callerId, timeout: CUSTOMER_RING_SECONDS, action: options.dialActionUrl, method: 'POST' },
      el(
        'Number',
        {
          url: options.announcementUrl,
          method: 'POST',
          statusCallback: options.statusUrl,
          statusCallbackMethod: 'POST',
          statusCallbackEvent: 'initiated ringing answered completed',
        },
        options.customerPhone,
      ),
    ),
  ]);
}

/**
 * What the customer hears on answering, in their call's language, before the agent is bridged: who
 * is calling and why, then any key to be connected. A voicemail presses none: it records the
 * goodbye (when the next try comes) and the leg hangs up unbridged, so the try is not counted kept.
 * Any key counts (no finish key), so a caller who presses # or * is connected too.
 */
export function customerGateTwiml(options: { language: Language; reference: string; keyUrl: string; minutesToNextTry: number | null }): string {
  const { language } = options;
  const texts = DIALER_TEXTS[language];
  return twimlDocument([
    el(
      'Gather',
      { input: 'dtmf', numDigits: 1, finishOnKey: '', action: options.keyUrl, method: 'POST', timeout: CUSTOMER_KEY_SECONDS },
      say(language, texts.customerAnnouncement(options.reference)),
      say(language, texts.customerPressAnyKey),
      el('Pause', { length: 1 }),
      say(language, texts.customerPressAnyKey),
    ),
    say(language, texts.customerNoKey(options.minutesToNextTry)),
    el('Hangup'),
  ]);
}

/** The customer's key: a sentence, then the TwiML runs out and Twilio bridges the legs. */
export function customerConnectingTwiml(language: Language): string {
  return twimlDocument([say(language, DIALER_TEXTS[language].customerConnecting)]);
}
