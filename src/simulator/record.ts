import { callerScope, type CallContext } from './callContext.js';
import { goTo, nextVerb, stop, type Step } from './documentRunner.js';
import { newSid } from './ids.js';
import { speakingSeconds } from './prompts.js';
import { methodOf } from './redirect.js';
import type { EndReason } from './transcript.js';
import type { TwimlDocument, TwimlNode } from './twiml.js';

/**
 * Runs a <Record> on the caller's leg. The input provider's line of text stands for the audio.
 * - Nothing recorded: Twilio makes no action request and runs the next verb (documented exception).
 * - Recorded, ended with a key: the action gets RecordingUrl, RecordingSid, RecordingDuration and
 *   Digits (the key: '#' when finishOnKey allows it, else its first key; omitted when
 *   finishOnKey is '' and the silence timeout ended it); its TwiML continues the call.
 * - Recorded, then the caller hangs up: the action gets Digits=hangup with CallStatus=completed,
 *   and its TwiML is ignored because nobody is on the line.
 * The RecordingUrl has Twilio's shape but points at nothing.
 */
export async function runRecord(ctx: CallContext, verb: TwimlNode, document: TwimlDocument): Promise<Step<EndReason>> {
  const { text, hangup } = await ctx.input.recording();
  const maxLength = Number(verb.attrs.maxLength ?? '3600');
  const durationSeconds = text === '' ? 0 : Math.min(speakingSeconds(text), maxLength);
  ctx.transcript.add({ kind: 'record', text, durationSeconds, hangup });
  ctx.clock.advance(durationSeconds + (text === '' ? Number(verb.attrs.timeout ?? '5') : 0));

  if (text === '') {
    if (!hangup) return nextVerb;
    ctx.callerStatus = 'completed';
    return stop('caller-hung-up');
  }
  const finishOnKey = verb.attrs.finishOnKey ?? '1234567890*#';
  const key = finishOnKey.includes('#') ? '#' : finishOnKey.charAt(0);
  const digits = hangup ? 'hangup' : key;
  if (hangup) ctx.callerStatus = 'completed';
  const recordingSid = newSid('RE');
  const params = {
    ...callerScope(ctx).params(),
    RecordingUrl: `https://api.twilio.com/2010-04-01/Accounts/${ctx.call.accountSid}/Recordings/${recordingSid}`,
    RecordingSid: recordingSid,
    RecordingDuration: String(durationSeconds),
    ...(digits !== '' && { Digits: digits }),
  };
  const action = ctx.http.resolve(verb.attrs.action ?? document.url, document.url);
  if (!hangup) return goTo(await ctx.http.twiml('caller', methodOf(verb), action, params));
  await ctx.http.notify('caller', methodOf(verb), action, params);
  return stop('caller-hung-up');
}
