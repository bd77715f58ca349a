import type { ScriptToken } from './input.js';

/** The literal script token replaced by the customer's live dashboard code. */
export const CODE_TOKEN = 'CODE';

const ID_TOKEN = /^(\d+)#$/;

/**
 * Splits a `--script` value ("<id>#,CODE,1") into tokens for `scripted`. Each `CODE` becomes a
 * function that fetches the code when the call reaches it - codes change every 30 seconds, so
 * fetching at start could hand over a stale one. Its customer ID is the nearest earlier token
 * of the form `<digits>#`.
 */
export function parseScript(script: string, fetchCode: (customerId: string) => Promise<string>): ScriptToken[] {
  const literals = script.split(',').map((t) => t.trim());
  return literals.map((token, index) => {
    if (token !== CODE_TOKEN) return token;
    const idToken = literals.slice(0, index).findLast((t) => ID_TOKEN.test(t));
    if (idToken === undefined) {
      throw new Error(`${CODE_TOKEN} in a script must come after a customer ID token such as 12345678#`);
    }
    const customerId = ID_TOKEN.exec(idToken)![1]!;
    return () => fetchCode(customerId);
  });
}

/** Fetches a customer's current dashboard code from the running server's admin API. */
export function dashboardCodeFetcher(baseUrl: string, adminToken: string): (customerId: string) => Promise<string> {
  return async (customerId) => {
    const url = `${baseUrl.replace(/\/+$/, '')}/api/customers/${encodeURIComponent(customerId)}/one-time-token`;
    const response = await fetch(url, { headers: { authorization: `Bearer ${adminToken}` } });
    const body = (await response.json().catch(() => undefined)) as { code?: unknown } | undefined;
    if (!response.ok || typeof body?.code !== 'string') {
      throw new Error(`could not fetch the dashboard code of customer ${customerId}: HTTP ${response.status}`);
    }
    return body.code;
  };
}
