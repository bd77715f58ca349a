import type { CallRecord } from '../../domain/storage/calls.js';
import type { AuditRecord } from '../../domain/storage/verification.js';
import { maskPhone, type Customer } from '../../domain/customer.js';
import type { EmergencyContext } from '../../../voice-flows/emergency.js';
import { html, type Html } from '../html.js';
import { en } from '../i18n/en.js';
import type { Messages } from '../i18n/index.js';

/** What an agent must check before acting on a call: verified after failed codes, or never verified and why (the console and the CLI). */
export function warning(call: CallRecord, t: Messages = en): string | undefined {
  const ctx = call.context as Partial<EmergencyContext> | null;
  const failures = ctx?.customer?.failuresLastDay ?? 0;
  if (failures > 0) return t.call.failedBefore(failures);
  const held = ctx?.held;
  if (held) return t.call.held(held.reason === 'locked', held.idEnding, held.failures, Boolean(held.desk));
  return undefined;
}

/** A call's audit trail: where the flow is, and every verification attempt the call made. */
export function callPage(
  t: Messages,
  call: CallRecord,
  audit: AuditRecord[],
  customer: Customer | undefined,
  callback: { callbackId: number; reference: string } | undefined,
  now: number,
): Html {
  const w = t.call;
  const f = w.facts;
  const check = warning(call, t);
  const duration = t.format.duration;
  return html`<p><a href="/console">${t.callback.back}</a></p>
<h1>${w.title(call.callSid.slice(-6))}</h1>
<dl class="facts">
  <dt>${f.sid}</dt><dd><code>${call.callSid}</code></dd>
  <dt>${f.state}</dt><dd>${w.state(call.state)}${call.endedAt ? w.ended : ''}</dd>
  <dt>${f.outcome}</dt><dd>${call.outcome ?? w.noOutcome}</dd>
  <dt>${f.customer}</dt><dd>${call.customerId ? w.customerIs(customer?.name, call.customerId) : w.notVerified}</dd>
  ${check ? html`<dt>${f.check}</dt><dd><strong class="warning">${check}</strong></dd>` : ''}
  <dt>${f.priority}</dt><dd>${call.priority ?? '—'}</dd>
  <dt>${f.language}</dt><dd>${call.language}</dd>
  <dt>${f.from}</dt><dd>${maskPhone(call.from) ?? w.withheld}</dd>
  <dt>${f.started}</dt><dd>${t.format.atSeconds(call.startedAt)}</dd>
  <dt>${call.endedAt ? f.ended : f.inFlow}</dt><dd>${call.endedAt ? html`${t.format.atSeconds(call.endedAt)} ${w.after(duration(call.endedAt - call.startedAt))}` : html`<span data-since="${call.startedAt}">${duration(now - call.startedAt)}</span>`}</dd>
  ${callback ? html`<dt>${f.callback}</dt><dd><a href="/console/callbacks/${callback.callbackId}">${callback.reference}</a></dd>` : ''}
</dl>
<section aria-labelledby="h-audit"><h2 id="h-audit">${w.audit}</h2>
${
  audit.length === 0
    ? html`<p class="empty">${w.noAudit}</p>`
    : html`<table><caption class="vh">${w.auditCaption}</caption>
<thead><tr><th scope="col">${w.columns.time}</th><th scope="col">${w.columns.result}</th><th scope="col">${w.columns.reason}</th><th scope="col">${w.columns.factor}</th><th scope="col">${w.columns.typed}</th></tr></thead>
<tbody>${[...audit].reverse().map(
        (a) => html`<tr><td>${t.format.atSeconds(a.at)}</td><td><span class="badge result-${a.result}">${a.result === 'verified' ? w.verified : w.refused}</span></td><td>${w.reason(a.reason)}</td><td>${a.factor ?? '—'}</td><td>${a.customerId}</td></tr>`,
      )}</tbody></table>`
}
</section>`;
}
