import type { CallClock } from './callContext.js';
import type { Leg, Transcript } from './transcript.js';
import type { TwimlNode } from './twiml.js';

/** Roughly how fast Twilio's voices speak, for simulated call time. */
const WORDS_PER_SECOND = 2.5;

/** Seconds a text takes to say or to speak into a recording. */
export function speakingSeconds(text: string): number {
  const words = text.split(/\s+/).filter(Boolean).length;
  return words === 0 ? 0 : Math.max(1, Math.ceil(words / WORDS_PER_SECOND));
}

/**
 * Plays Say, Play and Pause to a leg: they only add to the transcript. Returns false for any
 * other verb so the caller of this function can handle it.
 */
export function announce(transcript: Transcript, clock: CallClock, leg: Leg, verb: TwimlNode): boolean {
  switch (verb.name) {
    case 'Say':
      transcript.add({
        kind: 'say',
        leg,
        text: verb.text,
        ...(verb.attrs.language !== undefined && { language: verb.attrs.language }),
        ...(verb.attrs.voice !== undefined && { voice: verb.attrs.voice }),
      });
      clock.advance(speakingSeconds(verb.text));
      return true;
    case 'Play':
      transcript.add({ kind: 'play', leg, url: verb.text });
      clock.advance(10);
      return true;
    case 'Pause': {
      const seconds = Number(verb.attrs.length ?? '1');
      transcript.add({ kind: 'pause', leg, seconds });
      clock.advance(seconds);
      return true;
    }
    default:
      return false;
  }
}
