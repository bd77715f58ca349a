import twilio from 'twilio';
import type { Config } from '../config.js';

/** The twilio REST client the dialer and the SMS confirmations use. */
export type TwilioClient = twilio.Twilio;

const TWILIO_API_HOST = /^api(\.[a-z0-9-]+)*\.twilio\.com$/;

/**
 * Sends twilio-node's requests to `apiUrl` instead of https://api.twilio.com: a regional edge, a
 * staging stand-in, or the local stand-in the tests run. Only the API host is rewritten (with any
 * edge/region twilio-node inserted); other Twilio products' hosts pass through untouched.
 */
export class RewritingRequestClient extends twilio.RequestClient {
  private readonly target: URL;

  constructor(apiUrl: string, options: ConstructorParameters<typeof twilio.RequestClient>[0] = {}) {
    super(options);
    this.target = new URL(apiUrl);
  }

  override request<TData>(opts: Parameters<twilio.RequestClient['request']>[0] & { data?: TData }) {
    return super.request<TData>({ ...opts, uri: rewriteApiUri(opts.uri, this.target) });
  }
}

/** The URI twilio-node built, moved onto `target` (its scheme, host, port and any path prefix). */
export function rewriteApiUri(uri: string, target: URL): string {
  const url = new URL(uri);
  if (!TWILIO_API_HOST.test(url.hostname)) return uri;
  const prefix = target.pathname.replace(/\/+$/, '');
  return `${target.origin}${prefix}${url.pathname}${url.search}`;
}

/**
 * Builds the twilio client from the configuration, pointed at HOTLINE_TWILIO_API_URL. Undefined in
 * local mode: with generated credentials there is no account to place calls or send texts from.
 */
export function createTwilioClient(config: Config): TwilioClient | undefined {
  if (!config.twilio.canPlaceCalls) return undefined;
  const httpClient = new RewritingRequestClient(config.twilio.apiUrl, {
    // Twilio answers REST requests in well under a second; a worker stuck 30 s on one would stall every callback behind it.
    timeout: 15_000,
    keepAlive: true,
  });
  return twilio(config.twilio.accountSid, config.twilio.authToken, {
    httpClient,
    // Region and edge come from HOTLINE_TWILIO_API_URL, never from TWILIO_EDGE/TWILIO_REGION in the environment.
    env: {},
    edge: '',
    region: '',
  });
}
