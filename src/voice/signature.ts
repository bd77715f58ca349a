import type { RequestHandler } from 'express';
import twilio from 'twilio';

/**
 * Accepts only requests signed by Twilio: X-Twilio-Signature over PUBLIC_BASE_URL + path + query and
 * every posted parameter. Missing -> 400, wrong -> 403; nothing of a refused request is acted on.
 */
export function requireTwilioSignature(authToken: string, publicBaseUrl: string): RequestHandler {
  return (req, res, next) => {
    const signature = req.get('x-twilio-signature');
    if (!signature) {
      res.status(400).type('text/plain').send('missing X-Twilio-Signature');
      return;
    }
    const params = req.body && typeof req.body === 'object' ? (req.body as Record<string, unknown>) : {};
    if (!twilio.validateRequest(authToken, signature, publicBaseUrl + req.originalUrl, params)) {
      res.status(403).type('text/plain').send('invalid X-Twilio-Signature');
      return;
    }
    next();
  };
}
