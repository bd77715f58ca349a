import express, { Router, type ErrorRequestHandler, type Request } from 'express';
import type { Logger } from 'pino';
import type { CallbackCalls } from '../dialer/callbackCalls.js';
import type { VoiceParams } from './engine.js';
import { requireTwilioSignature } from './signature.js';
import { el, twimlDocument } from './twiml.js';
import { requireTwilioParameters } from './webhookParams.js';

export interface CallbackRouteDeps {
  calls: CallbackCalls;
  logger: Logger;
  authToken: string;
  publicBaseUrl: string;
}

function paramsOf(req: Request): VoiceParams {
  const body = (req.body ?? {}) as Record<string, unknown>;
  const out: VoiceParams = {};
  for (const [key, value] of Object.entries(body)) if (typeof value === 'string') out[key] = value;
  return out;
}

const idOf = (value: unknown) => {
  const n = Number(value);
  return Number.isSafeInteger(n) && n > 0 ? n : -1;
};

/**
 * The webhooks of the dialer's outbound calls, mounted at /voice/callback: the agent's whisper and
 * accept, the customer's announcement, the Dial's end and both legs' status callbacks. Every route
 * is signature-checked, then its parameters (repeated, missing or malformed -> 400), and answers
 * TwiML (or an empty document) once the webhook's writes are on disk; Twilio never gets a 5xx (a
 * rejected handler goes to the error handler below, as a throw does).
 */
export function callbackVoiceRouter(deps: CallbackRouteDeps): Router {
  const { calls, logger } = deps;
  const router = Router();
  const sendXml = (res: express.Response, xml: string) => res.status(200).type('text/xml').send(xml);

  router.use(express.urlencoded({ extended: false, limit: '64kb', parameterLimit: 200 }));
  router.use(requireTwilioSignature(deps.authToken, deps.publicBaseUrl));
  router.use(
    requireTwilioParameters((path, refusal) => logger.warn({ path, refusal }, 'callback webhook refused: parameters not as Twilio sends them')),
  );

  router.post('/agent', async (req, res) => {
    sendXml(res, await calls.agentAnswered(idOf(req.query.callback), idOf(req.query.leg), paramsOf(req)));
  });
  router.post('/accept', async (req, res) => {
    sendXml(res, await calls.agentPressed(idOf(req.query.callback), idOf(req.query.leg), paramsOf(req)));
  });
  router.post('/customer', async (req, res) => {
    sendXml(res, await calls.customerAnswered(idOf(req.query.callback), idOf(req.query.leg), paramsOf(req)));
  });
  router.post('/customer-key', async (req, res) => {
    sendXml(res, await calls.customerPressed(idOf(req.query.callback), idOf(req.query.leg), paramsOf(req)));
  });
  router.post('/dialed', async (req, res) => {
    sendXml(res, await calls.dialEnded(idOf(req.query.callback), idOf(req.query.leg), paramsOf(req)));
  });
  router.post('/status', async (req, res) => {
    await calls.status(idOf(req.query.callback), idOf(req.query.leg), paramsOf(req));
    sendXml(res, twimlDocument([]));
  });

  const onError: ErrorRequestHandler = (err, req, res, _next) => {
    if (typeof err?.status === 'number' && err.status >= 400 && err.status < 500) {
      res.status(err.status).type('text/plain').send('bad request');
      return;
    }
    logger.error({ err, path: req.path, callbackId: String(req.query.callback ?? '') }, 'callback webhook failed');
    // A status callback only needs an answer; a leg with TwiML to run is ended rather than left silent.
    sendXml(res, twimlDocument(req.path === '/status' ? [] : [el('Hangup')]));
  };
  router.use(onError);
  return router;
}
