import type { CallEvent } from './transcript.js';

const ANSWERS = {
  accept: 'answers and will press 1',
  'no-key': 'answers but presses no key',
  'no-answer': 'does not answer',
} as const;

/** One human-readable transcript line for an event, or undefined for events not worth a line. */
export function describeEvent(event: CallEvent): string | undefined {
  const who = (leg: 'caller' | 'agent') => (leg === 'caller' ? 'caller' : 'agent');
  switch (event.kind) {
    case 'say': {
      const how = [event.language, event.voice].filter(Boolean).join(', ');
      return `${who(event.leg)} hears: ${event.text}${how ? `  (${how})` : ''}`;
    }
    case 'play':
      return `${who(event.leg)} hears: [audio ${event.url}]`;
    case 'pause':
      return `${who(event.leg)} hears: [${event.seconds} s of silence]`;
    case 'gather': {
      const limits = [
        event.numDigits !== undefined ? `${event.numDigits} digit${event.numDigits === 1 ? '' : 's'}` : undefined,
        event.finishOnKey ? `ends with ${event.finishOnKey}` : undefined,
      ].filter(Boolean);
      return `  (keypad open${limits.length ? `: ${limits.join(', ')}` : ''})`;
    }
    case 'input': {
      const typed = event.typed === '' ? '(nothing)' : event.typed;
      const sent = event.digits === '' ? 'silence' : `Digits=${event.digits}`;
      return `${who(event.leg)} types: ${typed}  -> ${sent}`;
    }
    case 'dial':
      return `ringing agent ${event.number}${event.url !== undefined ? ` (whisper ${event.url})` : ''}`;
    case 'answer':
      return `agent ${event.number} ${ANSWERS[event.answer]}`;
    case 'whisper':
      return undefined;
    case 'dial-result':
      return `dial ended: ${event.status}, ${event.bridged ? 'bridged - caller and agent talk, then hang up' : 'not bridged'}`;
    case 'record':
      return event.text === ''
        ? `caller records: nothing${event.hangup ? ' and hangs up' : ''}`
        : `caller records: "${event.text}" (${event.durationSeconds} s)${event.hangup ? ' and hangs up' : ''}`;
    case 'enqueue':
      return `caller waits in queue ${event.queue}`;
    case 'queue-result':
      return `queue ${event.queue}: ${event.result}`;
    case 'redirect':
      return `  (redirect to ${event.url})`;
    case 'hangup':
      return `${event.leg === 'agent' ? "agent's leg" : 'server'} ${event.verb === 'Reject' ? 'rejects the call' : 'hangs up'}`;
    case 'error':
      return `ERROR: ${event.message}`;
    case 'end':
      return `call ended (${event.reason}) after ${event.durationSeconds} s`;
  }
}
