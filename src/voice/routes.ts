import type { IncomingMessage, ServerResponse } from 'node:http';
import { parse as parseForm } from 'node:querystring';
import type { Logger } from 'pino';
import { UnitOfWorkRolledBack, type Store } from '../domain/storage/index.js';
import type { Clock } from '../domain/clock.js';
import type { Metrics } from '../metrics/metrics.js';
import type { EmergencyContext } from '../../voice-flows/emergency.js';
import { toLanguage } from '../../voice-flows/prompts/index.js';
import { apologyTwiml } from './apology.js';
import type { FlowEngine, VoiceParams } from './engine.js';
import type { P1Queue } from './queue.js';
import { checkTwilioSignature, SIGNATURE_REFUSAL } from './signature.js';
import { twimlDocument } from './twiml.js';
import { parameterRefusal, requiredParameters } from './webhookParams.js';
import { acceptTwiml, deskWhisperTwiml, whisperTwiml } from './whisper.js';
import { agentLanguage } from '../domain/agentLanguages.js';
import { CALL_SID } from '../domain/customer.js';

const FINAL_STATUSES = new Set(['completed', 'busy', 'failed', 'no-answer', 'canceled']);
const MAX_BODY_BYTES = 64 * 1024;
const MAX_PARAMS = 200;
const LEAVE = twimlDocument([{ name: 'Leave', attrs: {}, children: [] }]);
const HANGUP = twimlDocument([{ name: 'Hangup', attrs: {}, children: [] }]);

/**
 * What a webhook that failed answers where the apology's Dial is not allowed (twilio-voice-facts:
 * a queue's wait URL plays, says, pauses, gathers, redirects, leaves or hangs up; a whisper never
 * dials). A waiting caller leaves the queue, and the Enqueue's action (a step of the call, which may
 * dial the backup line) takes over; an agent's whisper leg hangs up, and the caller's Dial goes on
 * to the next agent.
 */
const FAILED_ANSWER: Partial<Record<string, string>> = {
  '/voice/queue/wait': LEAVE,
  '/voice/queue/key': LEAVE,
  '/voice/whisper': HANGUP,
  '/voice/whisper/accept': HANGUP,
  // The desk's whisper ends in silence, and the desk is put through: the caller still reaches a person.
  '/voice/whisper/desk': twimlDocument([]),
};

export interface VoiceRouteDeps {
  engine: FlowEngine;
  store: Store;
  clock: Clock;
  logger: Logger;
  authToken: string;
  publicBaseUrl: string;
  /** The absolute URL Twilio is given for a path, connection overrides included (src/twilio/webhookUrls.ts). */
  webhookUrl(pathAndQuery: string): string;
  backupNumber: string | undefined;
  metrics?: Pick<Metrics, 'voiceApology' | 'callEnded' | 'observeWebhook'>;
  queue: P1Queue;
}

/**
 * One caller webhook: its posted parameters (strings only), its query, and a logger bound to the call,
 * made on first use (most webhooks log nothing at the usual level).
 *
 * A class, not an object literal with `get log()`: a literal's getter is a new function for every
 * request, so every request object got a hidden class of its own, and V8 allocates hidden classes
 * where it keeps long-lived objects. From there each one held its request's whole object graph (the
 * body, the parsed form, the call's record) until the next full collection: under load the young
 * collections promoted about 400 KB each and the old generation needed a full collection every few
 * seconds, each a 10-20 ms pause for every webhook waiting behind it.
 */
class CallerWebhook {
  private callLog: Logger | undefined;

  constructor(
    readonly params: VoiceParams,
    readonly query: URLSearchParams,
    private readonly callSid: string | undefined,
    private readonly logger: Logger,
  ) {}

  get log(): Logger {
    return (this.callLog ??= this.callSid === undefined ? this.logger : this.logger.child({ callSid: this.callSid }));
  }
}

type Handler = (webhook: CallerWebhook) => string | Promise<string>;

/** A request whose body never arrived whole: the client closed the connection or the stream broke. */
class BodyCutOff extends Error {
  constructor(readonly code: string | undefined) {
    super('request body cut off');
  }
}

/**
 * Reads a form body of at most 64 KiB and 200 parameters (more is a 413); anything but a form is no
 * parameters. A body the client stops sending rejects with BodyCutOff.
 */
function readForm(req: IncomingMessage): Promise<Record<string, string | string[]> | { tooLarge: true }> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let tooLarge = false;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) tooLarge = true;
      else chunks.push(chunk);
    });
    req.on('end', () => {
      if (tooLarge) return resolve({ tooLarge: true });
      if (!/^application\/x-www-form-urlencoded\b/i.test(req.headers['content-type'] ?? '')) return resolve({});
      const body = Buffer.concat(chunks).toString('utf8');
      // More parameters than any Twilio webhook sends is refused whole, never silently cut.
      if (body.split('&').length > MAX_PARAMS) return resolve({ tooLarge: true });
      resolve(parseForm(body) as Record<string, string | string[]>);
    });
    req.on('error', (err: NodeJS.ErrnoException) => reject(new BodyCutOff(err.code)));
    // A close before 'end' is a cut-off too, whether or not the stream also reported an error.
    req.on('close', () => {
      if (!req.complete) reject(new BodyCutOff(undefined));
    });
  });
}

/**
 * The caller's Twilio Voice webhooks, served off Express's router: these are the requests an outage
 * multiplies, and a plain dispatch costs a fraction of Express's per-request machinery. Every route is
 * signature-checked (missing -> 400, wrong -> 403, nothing acted on), then its parameters (repeated,
 * missing or malformed -> 400, nothing acted on); every other answer is TwiML, and any
 * failure answers the apology and the backup line, or where Twilio allows no Dial what it allows
 * (FAILED_ANSWER): Twilio never gets a 5xx.
 */
export function callerWebhooks(deps: VoiceRouteDeps) {
  const { engine, store, logger } = deps;
  const apology = apologyTwiml(deps.backupNumber);
  // Availability is bookkeeping beside the call: a failure to record it is logged, never heard.
  const availability = async (what: string, callSid: string | undefined, write: () => Promise<unknown>) => {
    try {
      await write();
    } catch (err) {
      logger.error({ err, callSid }, `could not record agent ${what}`);
    }
  };
  const invalid = Symbol('invalid request');

  const routes: Record<string, Handler> = {
    '/voice/fallback': ({ params, log }) => {
      log.error({ errorCode: params.ErrorCode, errorUrl: params.ErrorUrl }, 'fallback URL used');
      deps.metrics?.voiceApology('/voice/fallback', 'fallback_url');
      return apology;
    },

    '/voice/incoming': ({ params }) => {
      if (!CALL_SID.test(params.CallSid ?? '')) throw invalid;
      return engine.incoming(params);
    },

    '/voice/step': ({ params, query }) => {
      const step = Number(query.get('step') ?? 'x');
      if (!CALL_SID.test(params.CallSid ?? '') || !Number.isSafeInteger(step) || step < 0) throw invalid;
      // A Dial's action frees the agent's leg in the same step (src/voice/engine.ts).
      return engine.step(params, step);
    },

    '/voice/whisper': async ({ params, query, log }) => {
      const callSid = query.get('call') ?? '';
      const agentId = Number(query.get('agent'));
      const call = CALL_SID.test(callSid) ? await store.calls.get<EmergencyContext>(callSid) : undefined;
      const agent = Number.isSafeInteger(agentId) ? await store.agents.get(agentId) : undefined;
      // The agent's answer is spoken in the whisper's language: the call's, or the agent's own.
      const lang = agentLanguage(call?.context.language ?? 'en-US', agent?.languages);
      const acceptUrl = deps.webhookUrl(`/voice/whisper/accept?call=${encodeURIComponent(callSid)}&agent=${agentId}&lang=${lang}`);
      log.info({ agentId, agentLeg: params.CallSid }, 'whisper played to agent');
      return whisperTwiml({ context: call?.context, agent, acceptUrl });
    },

    '/voice/whisper/desk': async ({ query, log }) => {
      const callSid = query.get('call') ?? '';
      const call = CALL_SID.test(callSid) ? await store.calls.get<EmergencyContext>(callSid) : undefined;
      log.info({ held: call?.context.held?.reason }, 'backup desk told why the caller is unverified');
      return deskWhisperTwiml(call?.context);
    },

    '/voice/whisper/accept': async ({ params, query, log }) => {
      const digits = params.Digits;
      const language = toLanguage(query.get('lang'));
      const callSid = query.get('call') ?? '';
      const agentId = Number(query.get('agent'));
      log.info({ agentId, accepted: digits === '1' }, 'agent answered whisper');
      if (digits === '1' && CALL_SID.test(callSid) && Number.isSafeInteger(agentId)) {
        const legSid = params.CallSid;
        // A store that cannot take the write at all fails the request (the leg hangs up); a failure of
        // the bookkeeping itself is only logged (and on PostgreSQL rolls back this unit, which held nothing else).
        await store
          .unitOfWork((tx) =>
            availability('on a call', callSid, () =>
              tx.agents.markOnCall(agentId, callSid, CALL_SID.test(legSid ?? '') ? { legSid: legSid! } : {}),
            ),
          )
          .catch((err: unknown) => {
            if (!(err instanceof UnitOfWorkRolledBack)) throw err;
          });
      } else if (CALL_SID.test(callSid) && Number.isSafeInteger(agentId)) {
        // Declined: the offer is over, and the agent can be offered the next caller at once.
        await availability('free', callSid, () => store.agents.endOffer(agentId, callSid));
      }
      return acceptTwiml(digits, language);
    },

    '/voice/queue/wait': ({ query }) => {
      const callSid = query.get('call') ?? '';
      if (!CALL_SID.test(callSid)) return LEAVE;
      return deps.queue.wait(callSid);
    },

    '/voice/queue/key': ({ params, query }) => {
      const callSid = query.get('call') ?? '';
      return deps.queue.key(CALL_SID.test(callSid) ? callSid : '', params.Digits);
    },

    '/voice/status': async ({ params, log }) => {
      const { CallSid, CallStatus } = params;
      if (CallSid && CALL_SID.test(CallSid) && FINAL_STATUSES.has(CallStatus ?? '')) {
        const now = deps.clock.now();
        const before = await store.unitOfWork(async (tx) => {
          const stored = await tx.calls.get(CallSid);
          await tx.calls.end(CallSid, now, 'abandoned');
          // A caller still in the P1 queue leaves it.
          await tx.queue.abandon(CallSid, now);
          return stored;
        });
        // A unit of work of its own: its failure is only logged, and on PostgreSQL a statement that
        // failed inside the call's transaction would have rolled the call's end back with it.
        await availability('free', CallSid, () => store.agents.markCallEnded(CallSid, now));
        // Counted once, when the first final status arrives, with the outcome the flow gave it.
        if (before && before.endedAt === null) await deps.metrics?.callEnded({ callSid: CallSid, outcome: before.outcome });
        log.info({ status: CallStatus }, 'call ended');
      }
      return twimlDocument([]);
    },
  };

  /** Handles the request if it is one of the caller's webhooks; otherwise passes it on. */
  return function handleCallerWebhook(req: IncomingMessage, res: ServerResponse, next: () => void): void {
    const url = req.url ?? '';
    const queryAt = url.indexOf('?');
    const path = queryAt < 0 ? url : url.slice(0, queryAt);
    const handler = req.method === 'POST' && Object.hasOwn(routes, path) ? routes[path] : undefined;
    if (!handler) return next();
    const started = process.hrtime.bigint();
    const finish = (status: number, type: string, body: string) => {
      if (res.headersSent) return;
      res.writeHead(status, { 'Content-Type': type, 'Content-Length': Buffer.byteLength(body) });
      res.end(body);
      deps.metrics?.observeWebhook(path, status, Number(process.hrtime.bigint() - started) / 1e9);
    };
    void serve(req, url, path, queryAt, handler, finish);
  };

  async function serve(
    req: IncomingMessage,
    url: string,
    path: string,
    queryAt: number,
    handler: Handler,
    finish: (status: number, type: string, body: string) => void,
  ): Promise<void> {
    let form: Awaited<ReturnType<typeof readForm>>;
    try {
      form = await readForm(req);
    } catch (err) {
      // Nobody is left to answer and nothing of the line failed (a dropped connection, Twilio giving
      // up after its 15 s, someone probing): an apology counted here would page the operator for
      // traffic whose signature was never even checked.
      logger.debug({ path, code: err instanceof BodyCutOff ? err.code : undefined }, 'voice webhook body cut off by the client');
      req.destroy();
      return;
    }
    if ('tooLarge' in form) return finish(413, 'text/plain', 'request too large');
    const verdict = checkTwilioSignature(deps.authToken, deps.publicBaseUrl, url, req.headers['x-twilio-signature'], form);
    if (verdict !== 'valid') return finish(SIGNATURE_REFUSAL[verdict].status, 'text/plain', SIGNATURE_REFUSAL[verdict].text);
    const refusal = parameterRefusal(form, requiredParameters(path));
    if (refusal !== undefined) {
      // Signed, yet not as Twilio sends it: a tampered replay, or Twilio changed what it sends. Seen, not paged.
      logger.warn({ path, refusal }, 'voice webhook refused: parameters not as Twilio sends them');
      return finish(400, 'text/plain', refusal);
    }

    // Only a request Twilio signed gets this far: from here on, an apology is a failure of the line.
    let webhook: CallerWebhook | undefined;
    try {
      const params: VoiceParams = {};
      for (const key in form) {
        const value = form[key];
        if (typeof value === 'string') params[key] = value;
      }
      const query = new URLSearchParams(queryAt < 0 ? '' : url.slice(queryAt + 1));
      const named = query.get('call');
      webhook = new CallerWebhook(params, query, named && CALL_SID.test(named) ? named : params.CallSid?.slice(0, 64), logger);
      finish(200, 'text/xml; charset=utf-8', await handler(webhook));
    } catch (err) {
      if (err === invalid) {
        deps.metrics?.voiceApology(path, 'invalid_request');
      } else {
        (webhook?.log ?? logger).error({ err, path }, FAILED_ANSWER[path] ? 'voice webhook failed' : 'voice webhook failed; caller sent to the backup line');
        deps.metrics?.voiceApology(path, 'error');
      }
      finish(200, 'text/xml; charset=utf-8', FAILED_ANSWER[path] ?? apology);
    }
  }
}
