import type { CallRecord } from '../../domain/storage/calls.js';
import type { AuditRecord } from '../../domain/storage/verification.js';
import { maskPhone, type Customer } from '../../domain/customer.js';
import type { EmergencyContext } from '../../../voice-flows/emergency.js';
import { duration, stateLabel, utcSeconds } from '../format.js';
import { html, type Html } from '../html.js';

const REASON_TEXT: Record<string, string> = { ok: 'code accepted' };

/** What an agent must check before acting on a call: verified after failed codes, or never verified and why (the console and the CLI). */
export function warning(call: CallRecord): string | undefined {
  const ctx = call.context as Partial<EmergencyContext> | null;
  const failures = ctx?.customer?.failuresLastDay ?? 0;
  if (failures > 0) return `Verified after ${failures} failed ${failures === 1 ? 'code' : 'codes'} in the last day: check before acting.`;
  const held = ctx?.held;
  if (held) {
    const why = held.reason === 'locked' ? `ID ending ${held.idEnding} is locked after ${held.failures} failed codes` : `the calling number is limited after ${held.failures} failed codes`;
    return `Unverified caller: ${why}. ${held.desk ? 'Sent to the backup desk.' : 'A callback to the phone on file, if the account has one.'}`;
  }
  return undefined;
}

/** A call's audit trail: where the flow is, and every verification attempt the call made. */
export function callPage(
  call: CallRecord,
  audit: AuditRecord[],
  customer: Customer | undefined,
  callback: { callbackId: number; reference: string } | undefined,
  now: number,
): Html {
  return html`<p><a href="/console">← Dashboard</a></p>
<h1>Call …${call.callSid.slice(-6)}</h1>
<dl class="facts">
  <dt>Call SID</dt><dd><code>${call.callSid}</code></dd>
  <dt>State</dt><dd>${stateLabel(call.state)}${call.endedAt ? ' (call ended)' : ''}</dd>
  <dt>Outcome</dt><dd>${call.outcome ?? 'none yet'}</dd>
  <dt>Customer</dt><dd>${call.customerId ? html`${customer?.name ?? 'unknown'} (ID ${call.customerId})` : 'not verified'}</dd>
  ${warning(call) ? html`<dt>Check</dt><dd><strong class="warning">${warning(call)}</strong></dd>` : ''}
  <dt>Priority</dt><dd>${call.priority ?? '—'}</dd>
  <dt>Language</dt><dd>${call.language}</dd>
  <dt>From</dt><dd>${maskPhone(call.from) ?? 'withheld'}</dd>
  <dt>Started</dt><dd>${utcSeconds(call.startedAt)}</dd>
  <dt>${call.endedAt ? 'Ended' : 'In flow for'}</dt><dd>${call.endedAt ? html`${utcSeconds(call.endedAt)} (after ${duration(call.endedAt - call.startedAt)})` : html`<span data-since="${call.startedAt}">${duration(now - call.startedAt)}</span>`}</dd>
  ${callback ? html`<dt>Callback</dt><dd><a href="/console/callbacks/${callback.callbackId}">${callback.reference}</a></dd>` : ''}
</dl>
<section aria-labelledby="h-audit"><h2 id="h-audit">Verification attempts</h2>
${
  audit.length === 0
    ? html`<p class="empty">This call made no verification attempt.</p>`
    : html`<table><caption class="vh">Verification attempts of this call, oldest first</caption>
<thead><tr><th scope="col">Time</th><th scope="col">Result</th><th scope="col">Reason</th><th scope="col">Factor</th><th scope="col">Customer ID typed</th></tr></thead>
<tbody>${[...audit].reverse().map(
        (a) => html`<tr><td>${utcSeconds(a.at)}</td><td><span class="badge result-${a.result}">${a.result === 'verified' ? 'Verified' : 'Refused'}</span></td><td>${REASON_TEXT[a.reason] ?? a.reason.replace(/_/g, ' ')}</td><td>${a.factor ?? '—'}</td><td>${a.customerId}</td></tr>`,
      )}</tbody></table>`
}
</section>`;
}
