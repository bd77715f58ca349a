import type { CallContext, LegScope } from './callContext.js';
import { goTo, type Step } from './documentRunner.js';
import type { TwimlDocument, TwimlNode } from './twiml.js';
import type { HttpMethod } from './webhookClient.js';

/** The HTTP method a verb asks for (its `method` attribute); Twilio's default is POST. */
export function methodOf(verb: TwimlNode, attribute = 'method'): HttpMethod {
  return verb.attrs[attribute]?.toUpperCase() === 'GET' ? 'GET' : 'POST';
}

/** Runs a <Redirect>: the TwiML at its URL replaces the current document. */
export async function runRedirect<O>(
  ctx: CallContext,
  scope: LegScope,
  verb: TwimlNode,
  document: TwimlDocument,
): Promise<Step<O>> {
  const url = ctx.http.resolve(verb.text, document.url);
  ctx.transcript.add({ kind: 'redirect', leg: scope.leg, url });
  return goTo(await ctx.http.twiml(scope.leg, methodOf(verb), url, scope.params()));
}
