import type { CallbackNote, CustomerTry } from '../../domain/storage/callbackDesk.js';
import type { Customer } from '../../domain/customer.js';
import type { Escalation } from '../../domain/storage/escalations.js';
import type { BoardCallback } from '../board.js';
import { duration, utc } from '../format.js';
import { html, type Html } from '../html.js';
import { csrfField } from '../layout.js';
import { callbackActions, countdown, isOpen, outcomeText, slaBadge, statusLabel } from './callbackBits.js';
import { tierLabel } from './dashboard.js';

const REASON: Record<string, string> = { p2: 'P2: the caller chose a callback', 'no-agent-answered': 'P1: no agent took the call' };
const NOTE_KIND: Record<CallbackNote['kind'], string> = { note: 'Note', claimed: 'Claimed', released: 'Released', completed: 'Completed' };

/** Why a callback's caller could not be verified, in an agent's words. */
export function unverifiedText(u: NonNullable<BoardCallback['unverified']>): string {
  const why = u.reason === 'locked' ? `the ID is locked after ${u.failures} failed codes` : `their number is limited after ${u.failures} failed codes`;
  return `P1, unverified caller: ${why}. The callback goes to the phone on file; verify the customer another way before acting.`;
}

const ESCALATION_CHANNEL: Record<Escalation['channel'], string> = { sms: 'Texted', call: 'Called' };
const ESCALATION_STATUS: Record<Escalation['status'], string> = { sending: 'sending', sent: 'sent', failed: 'failed' };

/** Who on the escalation list was told of this P1 callback, and how it went. */
function escalationList(escalations: Escalation[]): Html {
  return html`<section aria-labelledby="h-escalation"><h2 id="h-escalation">Escalation</h2>
<ol class="escalations">${escalations.map(
    (e) =>
      html`<li class="escalation-${e.status}">${ESCALATION_CHANNEL[e.channel]} <a href="tel:${e.to}">${e.to}</a>, ${utc(e.createdAt)}: ${ESCALATION_STATUS[e.status]}${e.status === 'failed' && e.detail ? html` (${e.detail})` : ''}</li>`,
  )}</ol>
</section>`;
}

/** How a call to the customer went, in an agent's words. */
function tryOutcome(t: CustomerTry): string {
  if (t.confirmedAt !== null) return t.status === 'completed' ? 'connected (the customer pressed a key), ended' : 'connected (the customer pressed a key)';
  switch (t.status) {
    case 'completed':
      return 'answered, but no key pressed: a voicemail, most likely';
    case 'no-answer':
      return 'not answered';
    case 'busy':
      return 'busy';
    case 'failed':
      return 'could not be placed (check the number)';
    case 'canceled':
      return 'cancelled (the engineer hung up first)';
    case 'in-progress':
      return 'answered, waiting for a key';
    default:
      return 'ringing';
  }
}

/** One callback: the promise, its deadline, the customer, the tries at their phone, agents' notes and the actions on it. */
export function callbackPage(
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
  return html`<p><a href="/console">← Dashboard</a></p>
<h1>Callback ${c.reference}</h1>
<p>${slaBadge(c.sla)} ${isOpen(c.status) && c.status !== 'connected' ? html`${countdown(c.dueAt, now)} — ` : ''}due ${utc(c.dueAt)}</p>
<div class="actions">${callbackActions(c, me, csrf, back)}</div>
<dl class="facts">
  <dt>Status</dt><dd class="status-${c.status}">${statusLabel(c.status)}</dd>
  <dt>Customer</dt><dd>${customer?.name ?? 'unknown'} (ID ${c.customerId})</dd>
  <dt>Priority</dt><dd>${c.priority}, ${tierLabel(c.tier)} Enterprise</dd>
  <dt>Why</dt><dd>${c.unverified ? html`<strong class="warning">${unverifiedText(c.unverified)}</strong>` : (REASON[c.reason] ?? c.reason)}</dd>
  <dt>Number to call</dt><dd><a href="tel:${c.phone}">${c.phone}</a> (${c.language})</dd>
  <dt>Promised</dt><dd>${utc(c.createdAt)}, within ${duration(c.dueAt - c.createdAt)}</dd>
  <dt>Recorded description</dt><dd>${
    c.recordingUrl
      ? html`<audio controls preload="none" src="/console/callbacks/${c.callbackId}/recording" aria-label="Recorded description, ${c.recordingDuration ?? 0} seconds"></audio> (${c.recordingDuration ?? 0} s)`
      : 'none'
  }</dd>
  <dt>Claimed by</dt><dd>${c.claimedBy ? html`${c.claimedBy.agentId === me ? 'you' : c.claimedBy.name}, ${utc(c.claimedAt ?? c.updatedAt)}` : 'nobody'}</dd>
  ${c.completedBy ? html`<dt>Completed by</dt><dd>${c.completedBy.name}</dd>` : ''}
  ${c.outcome ? html`<dt>Outcome</dt><dd class="outcome">${outcomeText(c)}</dd>` : ''}
  ${c.callSid ? html`<dt>The call that asked</dt><dd><a href="/console/calls/${c.callSid}">audit trail</a></dd>` : ''}
</dl>
${escalations.length > 0 ? escalationList(escalations) : ''}
<section aria-labelledby="h-tries"><h2 id="h-tries">Calls to the customer</h2>
${
  tries.length === 0
    ? html`<p class="empty">Not called yet.</p>`
    : html`<ol class="tries">${tries.map((t) => html`<li>${utc(t.at)}: ${tryOutcome(t)}</li>`)}</ol>`
}
</section>
<section aria-labelledby="h-notes"><h2 id="h-notes">Notes</h2>
${
  notes.length === 0
    ? html`<p class="empty">No notes yet.</p>`
    : html`<ol class="notes">${notes.map(
        (n) => html`<li class="note-${n.kind}"><p class="small"><strong>${NOTE_KIND[n.kind]}</strong> by ${n.agentName ?? 'a removed agent'}, ${utc(n.createdAt)}</p>${n.kind === 'note' ? html`<p class="note-body">${n.body}</p>` : n.body !== NOTE_KIND[n.kind] ? html`<p>${n.body}</p>` : ''}</li>`,
      )}</ol>`
}
<form method="post" action="/console/callbacks/${c.callbackId}/notes" class="stack">
  ${csrfField(csrf)}
  <p><label for="note">Add a note</label>
  <textarea id="note" name="body" rows="4" maxlength="4000" required aria-describedby="note-help"></textarea>
  <span id="note-help" class="small">Seen by every agent. Never write codes or secrets here.</span></p>
  <p><button type="submit">Add note</button></p>
</form>
</section>`;
}
