import { CALLBACK_OUTCOMES, type CallbackOutcome } from '../../domain/callbackOutcomes.js';
import type { SlaState } from '../../domain/sla.js';
import { html, type Html } from '../html.js';
import type { Messages } from '../i18n/index.js';
import { csrfField } from '../layout.js';
import type { BoardCallback } from '../board.js';

const SLA_MARK: Record<SlaState, string> = { on_time: '✓', at_risk: '!', breached: '✕' };

/** The SLA state as text and a symbol, coloured by class: colour is never the only signal. */
export function slaBadge(t: Messages, state: SlaState): Html {
  return html`<span class="badge sla-${state}"><span aria-hidden="true">${SLA_MARK[state]} </span>${t.sla[state]}</span>`;
}

/** "42 min left" or "12 min overdue"; the script keeps it ticking between refreshes. */
export function countdown(t: Messages, dueAt: number, now: number): Html {
  const left = dueAt - now;
  const text = left >= 0 ? t.format.left(t.format.duration(left)) : t.format.overdue(t.format.duration(-left));
  return html`<time class="countdown" datetime="${new Date(dueAt).toISOString()}" data-due="${dueAt}">${text}</time>`;
}

/** An open callback's SLA state and countdown; for a closed one, whether the promise was kept. */
export function deadlineCell(t: Messages, c: BoardCallback, now: number): Html {
  const ticking = c.status === 'pending' || c.status === 'dialing' || c.status === 'failed';
  return html`${slaBadge(t, c.sla)} ${ticking ? countdown(t, c.dueAt, now) : ''}`;
}

export const statusLabel = (t: Messages, status: string) => (Object.hasOwn(t.status, status) ? t.status[status]! : status);
export const isOpen = (status: string) => status !== 'completed' && status !== 'cancelled';

/** Claim (or take over, or release) and complete buttons for one callback, as small forms. */
export function callbackActions(t: Messages, c: BoardCallback, me: number, csrf: string, back: string): Html {
  if (!isOpen(c.status)) return html``;
  const w = t.callback;
  const form = (action: string, id: string, label: string, extra: Html | string = '') =>
    html`<form method="post" action="/console/callbacks/${c.callbackId}/${action}" class="inline">${csrfField(csrf)}<input type="hidden" name="back" value="${back}">${extra}<button type="submit" id="${id}-${c.callbackId}">${label}<span class="vh">${w.forCallback(c.reference)}</span></button></form>`;
  const claim =
    c.claimedBy === null
      ? form('claim', 'claim', w.claim)
      : c.claimedBy.agentId === me
        ? form('release', 'release', w.release)
        : form('claim', 'takeover', w.takeOver, html`<input type="hidden" name="takeOver" value="1">`);
  return html`${claim} <a class="button" href="/console/callbacks/${c.callbackId}/complete" id="complete-${c.callbackId}">${w.complete}<span class="vh">${w.forCallback(c.reference)}</span></a>`;
}

/** The question Complete asks: what became of the callback. */
export function completeForm(t: Messages, c: BoardCallback, csrf: string, back: string): Html {
  const choice = (outcome: CallbackOutcome) =>
    html`<label class="choice"><input type="radio" name="outcome" value="${outcome}" id="outcome-${outcome}" required> ${t.outcomes[outcome]}</label>`;
  return html`<form method="post" action="/console/callbacks/${c.callbackId}/complete" class="stack">${csrfField(csrf)}<input type="hidden" name="back" value="${back}">
  <fieldset><legend>${t.callback.whatBecame(c.reference)}</legend>
  ${CALLBACK_OUTCOMES.map(choice)}
  </fieldset>
  <p><button type="submit" id="complete-confirm">${t.callback.completeSubmit}</button> <a href="${back}">${t.callback.cancel}</a></p>
</form>`;
}

/** How a closed callback ended, in words: the outcome its agent recorded. */
export const outcomeText = (t: Messages, c: BoardCallback) =>
  c.outcome ? t.outcomes[c.outcome] : c.status === 'cancelled' ? statusLabel(t, 'cancelled') : '—';
