import type { CallbackNote, CustomerTry } from '../../domain/storage/callbackDesk.js';
import type { Customer } from '../../domain/customer.js';
import type { Escalation } from '../../domain/storage/escalations.js';
import type { BoardCallback } from '../board.js';
import { html, type Html } from '../html.js';
import type { Messages } from '../i18n/index.js';
import { en } from '../i18n/en.js';
import { csrfField } from '../layout.js';
import { callbackActions, countdown, isOpen, outcomeText, slaBadge, statusLabel } from './callbackBits.js';

/** Why a callback's caller could not be verified, in an agent's words. */
export function unverifiedText(t: Messages, u: NonNullable<BoardCallback['unverified']>): string {
  return t.callback.unverified(u.reason === 'locked', u.failures);
}

/** Who on the escalation list was told of this P1 callback, and how it went. */
function escalationList(t: Messages, escalations: Escalation[]): Html {
  const w = t.callback;
  return html`<section aria-labelledby="h-escalation"><h2 id="h-escalation">${w.escalation}</h2>
<ol class="escalations">${escalations.map(
    (e) =>
      html`<li class="escalation-${e.status}">${w.escalationChannel[e.channel] ?? e.channel} <a href="tel:${e.to}">${e.to}</a>, ${t.format.at(e.createdAt)}: ${w.escalationStatus[e.status] ?? e.status}${e.status === 'failed' && e.detail ? html` (${e.detail})` : ''}</li>`,
  )}</ol>
</section>`;
}

/** How a call to the customer went, in an agent's words. */
function tryOutcome(t: Messages, c: CustomerTry): string {
  const words = t.callback.tryOutcome;
  if (c.confirmedAt !== null) return c.status === 'completed' ? words.connectedEnded! : words.connected!;
  return Object.hasOwn(words, c.status) ? words[c.status]! : words.ringing!;
}

/** One callback: the promise, its deadline, the customer, the tries at their phone, agents' notes and the actions on it. */
export function callbackPage(
  t: Messages,
  c: BoardCallback,
  notes: CallbackNote[],
  tries: CustomerTry[],
  customer: Customer | undefined,
  me: number,
  csrf: string,
  now: number,
  escalations: Escalation[] = [],
): Html {
  const back = `/console/callbacks/${c.callbackId}`;
  const w = t.callback;
  const f = w.facts;
  const at = t.format.at;
  const seconds = c.recordingDuration ?? 0;
  return html`<p><a href="/console">${w.back}</a></p>
<h1>${w.heading(c.reference)}</h1>
<p>${slaBadge(t, c.sla)} ${isOpen(c.status) && c.status !== 'connected' ? html`${countdown(t, c.dueAt, now)} — ` : ''}${w.due(at(c.dueAt))}</p>
<div class="actions">${callbackActions(t, c, me, csrf, back)}</div>
<dl class="facts">
  <dt>${f.status}</dt><dd class="status-${c.status}">${statusLabel(t, c.status)}</dd>
  <dt>${f.customer}</dt><dd>${w.customerIs(customer?.name, c.customerId)}</dd>
  <dt>${f.priority}</dt><dd>${w.priorityIs(c.priority, t.tier(c.tier))}</dd>
  <dt>${f.why}</dt><dd>${c.unverified ? html`<strong class="warning">${unverifiedText(t, c.unverified)}</strong>` : (w.reasons[c.reason] ?? c.reason)}</dd>
  <dt>${f.number}</dt><dd><a href="tel:${c.phone}">${c.phone}</a> (${c.language})</dd>
  <dt>${f.promised}</dt><dd>${w.promisedIs(at(c.createdAt), t.format.duration(c.dueAt - c.createdAt))}</dd>
  <dt>${f.recording}</dt><dd>${
    c.recordingUrl
      ? html`<audio controls preload="none" src="/console/callbacks/${c.callbackId}/recording" aria-label="${w.recordingLabel(seconds)}"></audio> ${w.seconds(seconds)}`
      : w.none
  }</dd>
  <dt>${f.claimedBy}</dt><dd>${c.claimedBy ? w.claimedByIs(c.claimedBy.agentId === me ? null : c.claimedBy.name, at(c.claimedAt ?? c.updatedAt)) : w.nobody}</dd>
  ${c.completedBy ? html`<dt>${f.completedBy}</dt><dd>${c.completedBy.name}</dd>` : ''}
  ${c.outcome ? html`<dt>${f.outcome}</dt><dd class="outcome">${outcomeText(t, c)}</dd>` : ''}
  ${c.callSid ? html`<dt>${f.askingCall}</dt><dd><a href="/console/calls/${c.callSid}">${w.auditTrail}</a></dd>` : ''}
</dl>
${escalations.length > 0 ? escalationList(t, escalations) : ''}
<section aria-labelledby="h-tries"><h2 id="h-tries">${w.tries}</h2>
${
  tries.length === 0
    ? html`<p class="empty">${w.notCalled}</p>`
    : html`<ol class="tries">${tries.map((x) => html`<li>${at(x.at)}: ${tryOutcome(t, x)}</li>`)}</ol>`
}
</section>
<section aria-labelledby="h-notes"><h2 id="h-notes">${w.notes}</h2>
${
  notes.length === 0
    ? html`<p class="empty">${w.noNotes}</p>`
    : html`<ol class="notes">${notes.map(
        (n) => html`<li class="note-${n.kind}"><p class="small">${w.noteBy(w.noteKind[n.kind] ?? n.kind, n.agentName, at(n.createdAt))}</p>${n.kind === 'note' ? html`<p class="note-body">${n.body}</p>` : n.body !== en.callback.noteKind[n.kind] ? html`<p>${n.body}</p>` : ''}</li>`,
      )}</ol>`
}
<form method="post" action="/console/callbacks/${c.callbackId}/notes" class="stack">
  ${csrfField(csrf)}
  <p><label for="note">${w.addNote}</label>
  <textarea id="note" name="body" rows="4" maxlength="4000" required aria-describedby="note-help"></textarea>
  <span id="note-help" class="small">${w.noteHelp}</span></p>
  <p><button type="submit">${w.addNoteSubmit}</button></p>
</form>
</section>`;
}
