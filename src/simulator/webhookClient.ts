import { abortWalk } from './abort.js';
import { twilioSignature } from './signature.js';
import type { Leg, RequestRecord, Transcript } from './transcript.js';
import { parseTwiml, TwimlError, type TwimlDocument } from './twiml.js';

export type Params = Record<string, string>;
export type HttpMethod = 'GET' | 'POST';

export interface WebhookClientOptions {
  /** Where requests are sent: the server's listening address. */
  baseUrl: string;
  /** What Twilio would request and sign; URLs under it are sent to baseUrl instead. */
  publicBaseUrl: string;
  authToken: string;
  /** Loop guard: more TwiML requests than this abort the walk. */
  maxRequests: number;
  transcript: Transcript;
  /** How requests travel; default the global fetch (e.g. one that retries as Twilio's connection overrides say). */
  fetch?: typeof fetch;
}

/** Twilio's hard limit for any call-related request. */
const REQUEST_TIMEOUT_MS = 15_000;

/** Makes webhook requests exactly as Twilio does: form-encoded, signed, recorded in the transcript. */
export class WebhookClient {
  private twimlRequests = 0;
  private readonly publicBase: string;
  private readonly base: string;

  constructor(private readonly options: WebhookClientOptions) {
    this.publicBase = normalizeBase(options.publicBaseUrl);
    this.base = normalizeBase(options.baseUrl);
  }

  /** An absolute public URL for a path on the server, e.g. '/voice/incoming'. */
  publicUrl(path: string): string {
    return this.publicBase + path;
  }

  /** Resolves a TwiML URL attribute against the document it appeared in, as Twilio does. */
  resolve(target: string, documentUrl: string): string {
    const url = new URL(target, documentUrl);
    // Fragments carry Twilio connection overrides; they are neither sent nor signed.
    url.hash = '';
    return url.toString();
  }

  /** Requests a TwiML document; on any failure records an error event and throws WalkAborted. */
  async twiml(leg: Leg, method: HttpMethod, url: string, params: Params): Promise<TwimlDocument> {
    this.twimlRequests += 1;
    if (this.twimlRequests > this.options.maxRequests) {
      this.abort(`more than ${this.options.maxRequests} requests on one call: the flow loops`);
    }
    const record = await this.send(leg, method, url, params);
    try {
      const root = parseTwiml(record.body);
      this.options.transcript.twiml.push(record.body);
      return { url, verbs: root.children };
    } catch (err) {
      if (err instanceof TwimlError) this.abort(`${method} ${record.path}: ${err.message}`);
      throw err;
    }
  }

  /**
   * Makes a request whose answer Twilio ignores: the status callback, or an action requested after
   * the caller hung up. Only a 2xx status counts; a non-empty body is still kept with the TwiML.
   * Not counted against the loop guard, since nothing follows from it.
   */
  async notify(leg: Leg, method: HttpMethod, url: string, params: Params): Promise<void> {
    const record = await this.send(leg, method, url, params);
    if (record.body.trim() !== '') this.options.transcript.twiml.push(record.body);
  }

  private async send(leg: Leg, method: HttpMethod, url: string, params: Params): Promise<RequestRecord> {
    // GET carries the parameters in the query string, so the signature covers them there.
    const query = new URLSearchParams(params).toString();
    const signedUrl = method === 'GET' && query ? `${url}${url.includes('?') ? '&' : '?'}${query}` : url;
    const signature = twilioSignature(this.options.authToken, signedUrl, method === 'POST' ? params : {});
    const parsed = new URL(signedUrl);
    const record: RequestRecord = {
      leg,
      method,
      url,
      path: parsed.pathname + parsed.search,
      params: { ...params },
      signature,
      status: 0,
      body: '',
    };
    this.options.transcript.requests.push(record);
    try {
      const response = await (this.options.fetch ?? fetch)(this.transportUrl(signedUrl), {
        method,
        headers: {
          'x-twilio-signature': signature,
          'user-agent': 'TwilioProxy/1.1 (hotline simulator)',
          accept: '*/*',
          ...(method === 'POST' && { 'content-type': 'application/x-www-form-urlencoded; charset=utf-8' }),
        },
        ...(method === 'POST' && { body: query }),
        signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
      });
      record.status = response.status;
      record.body = await response.text();
    } catch (err) {
      const reason = err instanceof Error && err.name === 'TimeoutError' ? 'no answer within 15 s' : String(err);
      this.abort(`${method} ${record.path}: ${reason}`);
    }
    if (record.status < 200 || record.status > 299) {
      this.abort(`${method} ${record.path}: HTTP ${record.status} ${record.body.slice(0, 200)}`.trim());
    }
    return record;
  }

  /** Maps a public URL onto the server's listening address; other URLs are requested as they are. */
  private transportUrl(publicUrl: string): string {
    const rest = publicUrl.slice(this.publicBase.length);
    return publicUrl.startsWith(this.publicBase) && /^([/?]|$)/.test(rest) ? this.base + rest : publicUrl;
  }

  private abort(message: string): never {
    abortWalk(this.options.transcript, message);
  }
}

/** The base URL as `new URL` writes it (default port dropped), so resolved URLs keep it as a prefix. */
function normalizeBase(base: string): string {
  return new URL(base).toString().replace(/\/+$/, '');
}
