import type { RequestHandler } from 'express';
import twilio from 'twilio';

/** What a request's X-Twilio-Signature says: absent (400), not Twilio's (403), or good. */
export type SignatureVerdict = 'missing' | 'invalid' | 'valid';

/**
 * Checks X-Twilio-Signature over PUBLIC_BASE_URL + path + query and every posted parameter, as Twilio
 * signs. The one check behind every Twilio webhook, whichever router serves it.
 */
export function checkTwilioSignature(
  authToken: string,
  publicBaseUrl: string,
  pathAndQuery: string,
  signature: unknown,
  params: Record<string, unknown>,
): SignatureVerdict {
  if (typeof signature !== 'string' || signature === '') return 'missing';
  try {
    return twilio.validateRequest(authToken, signature, publicBaseUrl + pathAndQuery, params) ? 'valid' : 'invalid';
  } catch {
    // A URL the validator cannot even parse was not one Twilio signed: refused, never a 5xx.
    return 'invalid';
  }
}

/** The answer to a refused request: status and a short text; nothing of it is acted on. */
export const SIGNATURE_REFUSAL = {
  missing: { status: 400, text: 'missing X-Twilio-Signature' },
  invalid: { status: 403, text: 'invalid X-Twilio-Signature' },
} as const;

/** Express middleware: only requests signed by Twilio go on. Missing -> 400, wrong -> 403. */
export function requireTwilioSignature(authToken: string, publicBaseUrl: string): RequestHandler {
  return (req, res, next) => {
    const params = req.body && typeof req.body === 'object' ? (req.body as Record<string, unknown>) : {};
    const verdict = checkTwilioSignature(authToken, publicBaseUrl, req.originalUrl, req.get('x-twilio-signature'), params);
    if (verdict !== 'valid') {
      const refusal = SIGNATURE_REFUSAL[verdict];
      res.status(refusal.status).type('text/plain').send(refusal.text);
      return;
    }
    next();
  };
}
