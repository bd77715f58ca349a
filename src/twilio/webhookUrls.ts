/**
 * Twilio's connection overrides: a URL fragment on a webhook URL (`#ct=1500&rt=6000&...`) that sets
 * how long Twilio waits for that request and how often it retries before it gives up and requests the
 * number's fallback URL. Twilio neither sends nor signs the fragment.
 */

/** Each override's name and, for the numeric ones, its range (Twilio's documented limits). */
const OVERRIDES: Record<string, { min: number; max: number } | null> = {
  ct: { min: 100, max: 10_000 }, // connect timeout, ms
  rt: { min: 100, max: 15_000 }, // read timeout, ms
  tt: { min: 100, max: 15_000 }, // total time for all tries, ms
  rc: { min: 0, max: 5 }, // retries
  rp: null, // which failures are retried, e.g. ct,rt,5xx
  e: null, // the Twilio edge the request leaves from
  sni: null, // y or n
};

/** Why `text` is not a set of connection overrides, or null when it is one. */
export function connectionOverridesProblem(text: string): string | null {
  const seen = new Set<string>();
  for (const pair of text.split('&')) {
    const [name = '', value = '', ...rest] = pair.split('=');
    // Own names only: "__proto__" or "toString" would otherwise find what every object inherits.
    const range = Object.hasOwn(OVERRIDES, name) ? OVERRIDES[name] : undefined;
    if (range === undefined || rest.length > 0) return `"${pair}" is not one of ${Object.keys(OVERRIDES).join(', ')} with a value`;
    if (seen.has(name)) return `${name} is given twice`;
    seen.add(name);
    if (range === null) {
      if (!/^[a-z0-9][a-z0-9,._-]{0,63}$/i.test(value)) return `${name} must be letters, digits and commas`;
    } else if (!/^[0-9]{1,5}$/.test(value) || Number(value) < range.min || Number(value) > range.max) {
      return `${name} must be a whole number from ${range.min} to ${range.max}`;
    }
  }
  return null;
}

/**
 * Builds the absolute URLs the server writes into TwiML (actions, redirects, whispers, status
 * callbacks): the public base URL, the path and query, and the connection overrides if any.
 */
export function webhookUrls(publicBaseUrl: string, overrides: string | undefined): (pathAndQuery: string) => string {
  const fragment = overrides ? `#${overrides}` : '';
  return (pathAndQuery) => `${publicBaseUrl}${pathAndQuery}${fragment}`;
}
