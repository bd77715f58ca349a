import type { RequestHandler } from 'express';

/** Keys pressed at a Gather, or what a Record's action gets: the key that ended it, or "hangup". */
const TWILIO_DIGITS = /^(?:[0-9*#]*|hangup)$/;

/**
 * The parameters a voice route cannot do without, each one Twilio sends on every request of that
 * route (twilio-voice-facts §7): the call's SID, and on a status callback the status it reports.
 * Others Twilio always sends (Direction, ApiVersion) are not required: nothing reads them, and an
 * emergency line should not refuse a genuine request over a parameter it would not have used.
 */
export function requiredParameters(path: string): readonly string[] {
  return path.endsWith('/status') ? ['CallSid', 'CallStatus'] : ['CallSid'];
}

/**
 * Why a signed webhook's parameters are not as Twilio sends them, as the text of a 400; undefined when
 * they are. Checked after the signature, because the signature alone does not pin them down:
 * twilio-node's check sorts the names, drops repeated values and joins names and values with no
 * separator, so a captured request stays "valid" with Digits sent twice, or with a boundary moved
 * (`Digits=2Directioninbound`, Direction gone). Twilio sends each name once; it sends the `required`
 * ones on every request of the route; and its Digits are only ever keys.
 */
export function parameterRefusal(form: Readonly<Record<string, unknown>>, required: readonly string[]): string | undefined {
  for (const name in form) {
    if (typeof form[name] !== 'string') return `repeated parameter: ${nameOf(name)}`;
  }
  for (const name of required) {
    if (!Object.hasOwn(form, name)) return `missing parameter: ${name}`;
  }
  if (Object.hasOwn(form, 'Digits') && !TWILIO_DIGITS.test(form.Digits as string)) return 'malformed parameter: Digits';
  return undefined;
}

/** The name as the answer repeats it: printable ASCII, and short, whatever was sent. */
function nameOf(name: string): string {
  return name.replace(/[^\x21-\x7e]/g, '?').slice(0, 64);
}

/** Express middleware after the signature check: a 400 in plain text, naming the parameter, for parameterRefusal. */
export function requireTwilioParameters(onRefusal: (path: string, refusal: string) => void): RequestHandler {
  return (req, res, next) => {
    const form = req.body && typeof req.body === 'object' ? (req.body as Record<string, unknown>) : {};
    const refusal = parameterRefusal(form, requiredParameters(req.path));
    if (refusal === undefined) return next();
    onRefusal(req.originalUrl.split('?')[0]!, refusal);
    res.status(400).type('text/plain').send(refusal);
  };
}
