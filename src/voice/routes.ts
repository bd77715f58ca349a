import express, { Router, type ErrorRequestHandler, type Request } from 'express';
import type { Logger } from 'pino';
import type { AgentRepository } from '../db/agentRepository.js';
import type { CallRepository } from '../db/callRepository.js';
import type { Clock } from '../domain/clock.js';
import type { Metrics } from '../metrics/metrics.js';
import type { EmergencyContext } from '../../voice-flows/emergency.js';
import type { Language } from '../../voice-flows/prompts/index.js';
import { apologyTwiml } from './apology.js';
import type { P1Queue } from './queue.js';
import { addQueueRoutes, holdMusicRoute } from './queueRoutes.js';
import type { FlowEngine, VoiceParams } from './engine.js';
import { requireTwilioSignature } from './signature.js';
import { twimlDocument } from './twiml.js';
import { acceptTwiml, whisperTwiml } from './whisper.js';

const CALL_SID = /^CA[0-9a-zA-Z]{32}$/;
const FINAL_STATUSES = new Set(['completed', 'busy', 'failed', 'no-answer', 'canceled']);

export interface VoiceRouteDeps {
  engine: FlowEngine;
  calls: CallRepository;
  agents: AgentRepository;
  clock: Clock;
  logger: Logger;
  authToken: string;
  publicBaseUrl: string;
  backupNumber: string | undefined;
  metrics?: Pick<Metrics, 'voiceApology' | 'callEnded'>;
  queue: P1Queue;
  /** Runs a webhook's reads and writes in this turn's shared transaction; resolves once committed. */
  writes<T>(work: () => T): Promise<T>;
}

/** Only the string parameters Twilio posts; repeated or nested ones are ignored. */
function paramsOf(req: Request): VoiceParams {
  const body = (req.body ?? {}) as Record<string, unknown>;
  const out: VoiceParams = {};
  for (const [key, value] of Object.entries(body)) if (typeof value === 'string') out[key] = value;
  return out;
}

/** The call a request is about: the caller's call named in the query (agent legs, queue waits), else the posting call. */
function callSidOf(req: Request): string | undefined {
  const named = typeof req.query.call === 'string' && CALL_SID.test(req.query.call) ? req.query.call : undefined;
  const posted = typeof req.body === 'object' && req.body ? (req.body as Record<string, unknown>).CallSid : undefined;
  return named ?? (typeof posted === 'string' ? posted.slice(0, 64) : undefined);
}

/** The request's logger: every line it writes carries the call's CallSid. */
export function callLog(res: express.Response, fallback: Logger): Logger {
  return (res.locals.log as Logger | undefined) ?? fallback;
}

/** The Twilio Voice webhooks: every route signature-checked, every answer TwiML, never a 5xx. */
export function voiceRouter(deps: VoiceRouteDeps): Router {
  const { engine, calls, agents, logger } = deps;
  const router = Router();
  const sendXml = (res: express.Response, xml: string) => res.status(200).type('text/xml').send(xml);
  const apology = apologyTwiml(deps.backupNumber);
  const apologise = (req: Request, res: express.Response, cause: 'error' | 'fallback_url' | 'invalid_request') => {
    deps.metrics?.voiceApology(`/voice${req.route?.path ?? req.path}`, cause);
    sendXml(res, apology);
  };
  const bindCallSid: express.RequestHandler = (req, res, next) => {
    res.locals.log = logger.child({ callSid: callSidOf(req) });
    next();
  };
  // Availability is bookkeeping beside the call: a failure to record it is logged, never heard.
  const availability = (what: string, callSid: string | undefined, write: () => unknown) => {
    try {
      write();
    } catch (err) {
      logger.error({ err, callSid }, `could not record agent ${what}`);
    }
  };

  // The fallback answers before anything else: no signature state, no database, nothing that can fail.
  router.post('/fallback', express.urlencoded({ extended: false, limit: '64kb' }), requireTwilioSignature(deps.authToken, deps.publicBaseUrl), bindCallSid, (req, res) => {
    callLog(res, logger).error({ errorCode: paramsOf(req).ErrorCode, errorUrl: paramsOf(req).ErrorUrl }, 'fallback URL used');
    apologise(req, res, 'fallback_url');
  });

  holdMusicRoute(router);
  router.use(express.urlencoded({ extended: false, limit: '64kb', parameterLimit: 200 }));
  router.use(requireTwilioSignature(deps.authToken, deps.publicBaseUrl));
  router.use(bindCallSid);

  router.post('/incoming', async (req, res) => {
    const params = paramsOf(req);
    if (!CALL_SID.test(params.CallSid ?? '')) return apologise(req, res, 'invalid_request');
    sendXml(res, await deps.writes(() => engine.incoming(params)));
  });

  router.post('/step', async (req, res) => {
    const params = paramsOf(req);
    const step = Number(req.query.step);
    if (!CALL_SID.test(params.CallSid ?? '') || !Number.isSafeInteger(step) || step < 0) return apologise(req, res, 'invalid_request');
    const xml = await deps.writes(() => {
      // A Dial's action means the agent's leg is over: the agent is free before the flow looks for one.
      if (params.DialCallStatus) {
        availability('free', params.CallSid, () => {
          agents.markAvailable(params.CallSid!);
          if (CALL_SID.test(params.DialCallSid ?? '')) agents.markAvailable(params.DialCallSid!);
        });
      }
      return engine.step(params, step);
    });
    sendXml(res, xml);
  });

  router.post('/whisper', (req, res) => {
    const callSid = String(req.query.call ?? '');
    const agentId = Number(req.query.agent);
    const call = CALL_SID.test(callSid) ? calls.get<EmergencyContext>(callSid) : undefined;
    const agent = Number.isSafeInteger(agentId) ? agents.get(agentId) : undefined;
    const acceptUrl = `${deps.publicBaseUrl}/voice/whisper/accept?call=${encodeURIComponent(callSid)}&agent=${agentId}&lang=${call?.context.language ?? 'en-US'}`;
    logger.info({ callSid, agentId, agentLeg: paramsOf(req).CallSid }, 'whisper played to agent');
    sendXml(res, whisperTwiml({ context: call?.context, agent, acceptUrl }));
  });

  router.post('/whisper/accept', async (req, res) => {
    const digits = paramsOf(req).Digits;
    const language = (req.query.lang === 'ja-JP' ? 'ja-JP' : 'en-US') as Language;
    const callSid = String(req.query.call ?? '');
    const agentId = Number(req.query.agent);
    logger.info({ callSid, agentId, accepted: digits === '1' }, 'agent answered whisper');
    if (digits === '1' && CALL_SID.test(callSid) && Number.isSafeInteger(agentId)) {
      const legSid = paramsOf(req).CallSid;
      await deps.writes(() =>
        availability('on a call', callSid, () => agents.markOnCall(agentId, callSid, CALL_SID.test(legSid ?? '') ? { legSid: legSid! } : {})),
      );
    }
    sendXml(res, acceptTwiml(digits, language));
  });

  addQueueRoutes(router, { queue: deps.queue, calls, writes: deps.writes });

  router.post('/status', async (req, res) => {
    const { CallSid, CallStatus } = paramsOf(req);
    if (CallSid && CALL_SID.test(CallSid) && FINAL_STATUSES.has(CallStatus ?? '')) {
      const before = await deps.writes(() => {
        const stored = calls.get(CallSid);
        calls.end(CallSid, deps.clock.now(), 'abandoned');
        availability('free', CallSid, () => agents.markCallEnded(CallSid, deps.clock.now()));
        return stored;
      });
      // Counted once, when the first final status arrives, with the outcome the flow gave it.
      if (before && before.endedAt === null) deps.metrics?.callEnded({ callSid: CallSid, outcome: before.outcome });
      logger.info({ callSid: CallSid, status: CallStatus }, 'call ended');
    }
    sendXml(res, twimlDocument([]));
  });

  const onError: ErrorRequestHandler = (err, req, res, _next) => {
    const callSid = typeof req.body === 'object' && req.body ? (req.body as VoiceParams).CallSid : undefined;
    if (typeof err?.status === 'number' && err.status >= 400 && err.status < 500) {
      // The body could not be read (too large, malformed): refused before anything was acted on.
      res.status(err.status).type('text/plain').send('bad request');
      return;
    }
    callLog(res, logger.child({ callSid })).error({ err, path: req.path }, 'voice webhook failed; caller sent to the backup line');
    apologise(req, res, 'error');
  };
  router.use(onError);
  return router;
}
