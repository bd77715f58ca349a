import { CALLBACK_OUTCOMES, OUTCOME_WORDS, type CallbackOutcome } from '../../domain/callbackOutcomes.js';
import type { SlaState } from '../../domain/sla.js';
import { duration } from '../format.js';
import { html, type Html } from '../html.js';
import { csrfField } from '../layout.js';
import type { BoardCallback } from '../board.js';

const SLA_LABEL: Record<SlaState, { text: string; mark: string }> = {
  on_time: { text: 'On time', mark: '✓' },
  at_risk: { text: 'At risk', mark: '!' },
  breached: { text: 'Breached', mark: '✕' },
};

/** The SLA state as text and a symbol, coloured by class: colour is never the only signal. */
export function slaBadge(state: SlaState): Html {
  const { text, mark } = SLA_LABEL[state];
  return html`<span class="badge sla-${state}"><span aria-hidden="true">${mark} </span>${text}</span>`;
}

/** "42 min left" or "12 min overdue"; the script keeps it ticking between refreshes. */
export function countdown(dueAt: number, now: number): Html {
  const left = dueAt - now;
  const text = left >= 0 ? `${duration(left)} left` : `${duration(-left)} overdue`;
  return html`<time class="countdown" datetime="${new Date(dueAt).toISOString()}" data-due="${dueAt}">${text}</time>`;
}

/** An open callback's SLA state and countdown; for a closed one, whether the promise was kept. */
export function deadlineCell(c: BoardCallback, now: number): Html {
  const ticking = c.status === 'pending' || c.status === 'dialing' || c.status === 'failed';
  return html`${slaBadge(c.sla)} ${ticking ? countdown(c.dueAt, now) : ''}`;
}

const STATUS_LABEL: Record<string, string> = {
  pending: 'Waiting to be dialed',
  dialing: 'Dialing',
  connected: 'Connected',
  completed: 'Completed',
  failed: 'Failed: the dialer gave up',
  cancelled: 'Cancelled',
};
export const statusLabel = (status: string) => STATUS_LABEL[status] ?? status;
export const isOpen = (status: string) => status !== 'completed' && status !== 'cancelled';

/** Claim (or take over, or release) and complete buttons for one callback, as small forms. */
export function callbackActions(c: BoardCallback, me: number, csrf: string, back: string): Html {
  if (!isOpen(c.status)) return html``;
  const form = (action: string, id: string, label: string, extra: Html | string = '') =>
    html`<form method="post" action="/console/callbacks/${c.callbackId}/${action}" class="inline">${csrfField(csrf)}<input type="hidden" name="back" value="${back}">${extra}<button type="submit" id="${id}-${c.callbackId}">${label}<span class="vh"> callback ${c.reference}</span></button></form>`;
  const claim =
    c.claimedBy === null
      ? form('claim', 'claim', 'Claim')
      : c.claimedBy.agentId === me
        ? form('release', 'release', 'Release')
        : form('claim', 'takeover', 'Take over', html`<input type="hidden" name="takeOver" value="1">`);
  return html`${claim} <a class="button" href="/console/callbacks/${c.callbackId}/complete" id="complete-${c.callbackId}">Complete…<span class="vh"> callback ${c.reference}</span></a>`;
}

/** The question Complete asks: what became of the callback. */
export function completeForm(c: BoardCallback, csrf: string, back: string): Html {
  const choice = (outcome: CallbackOutcome) =>
    html`<label class="choice"><input type="radio" name="outcome" value="${outcome}" id="outcome-${outcome}" required> ${sentence(OUTCOME_WORDS[outcome])}</label>`;
  return html`<form method="post" action="/console/callbacks/${c.callbackId}/complete" class="stack">${csrfField(csrf)}<input type="hidden" name="back" value="${back}">
  <fieldset><legend>What became of callback ${c.reference}?</legend>
  ${CALLBACK_OUTCOMES.map(choice)}
  </fieldset>
  <p><button type="submit" id="complete-confirm">Complete callback</button> <a href="${back}">Cancel</a></p>
</form>`;
}

const sentence = (text: string) => `${text.charAt(0).toUpperCase()}${text.slice(1)}`;

/** How a closed callback ended, in words: the outcome its agent recorded. */
export const outcomeText = (c: BoardCallback) => (c.outcome ? sentence(OUTCOME_WORDS[c.outcome]) : c.status === 'cancelled' ? 'Cancelled' : '—');
