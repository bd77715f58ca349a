import type { Agent } from '../../domain/storage/agents.js';
import type { Board, BoardCallback } from '../board.js';
import { customerEnding, duration, utc } from '../format.js';
import { Html, html } from '../html.js';
import { csrfField } from '../layout.js';
import { callbackActions, deadlineCell, outcomeText, statusLabel } from './callbackBits.js';

const sidEnding = (sid: string) => `…${sid.slice(-6)}`;
export const tierLabel = (tier: string) => (tier === 'premium' ? 'Premium' : 'Standard');

const DUTY_TEXT: Record<Agent['duty'], string> = {
  on: 'switched on duty by hand',
  off: 'switched off duty by hand',
  roster: 'following your weekly roster',
};
const STATE_TEXT: Record<Agent['state'], string> = {
  available: 'Available',
  offered: 'Being offered a call',
  'ringing-callback': 'Ringing for a callback',
  'on-call': 'On a call',
  'off-duty': 'Off duty',
};

/** An agent's state as a badge with words. */
export const stateBadge = (state: Agent['state']) => html`<span class="badge state-${state}">${STATE_TEXT[state]}</span>`;

/** The signed-in agent's own state and duty switch. */
function dutyRegion(me: Agent, csrf: string): Html {
  const button = (duty: Agent['duty'], label: string) =>
    me.duty === duty
      ? html`<button type="submit" name="duty" value="${duty}" id="duty-${duty}" aria-pressed="true" disabled>${label}</button>`
      : html`<button type="submit" name="duty" value="${duty}" id="duty-${duty}" aria-pressed="false">${label}</button>`;
  return html`<p>You are ${stateBadge(me.state)} — ${DUTY_TEXT[me.duty]}${
    me.duty === 'roster' ? html`, which has you <strong>${me.onDuty ? 'on duty' : 'off duty'}</strong> now` : ''
  }.</p>
  <form method="post" action="/console/duty">${csrfField(csrf)}
    <fieldset class="buttons"><legend>Set my duty</legend>
    ${button('on', 'On duty')} ${button('off', 'Off duty')} ${button('roster', 'Follow my roster')}
    </fieldset>
  </form>${
    me.onCall
      ? html`<form method="post" action="/console/release">${csrfField(csrf)}
    <p>Marked on a call since ${utc(me.onCall.since)}. If that call is over: <button type="submit" id="release-me">Mark me free</button></p></form>`
      : ''
  }`;
}

function callsRegion(b: Board): Html {
  if (b.calls.length === 0) return html`<p class="empty">No calls in progress.</p>`;
  return html`<table class="calls">
  <caption class="vh">Calls in progress, oldest first</caption>
  <thead><tr><th scope="col">Call</th><th scope="col">Customer</th><th scope="col">Priority</th><th scope="col">Where</th><th scope="col">Time in flow</th></tr></thead>
  <tbody>${b.calls.map(
    (c) => html`<tr id="live-${c.callSid}">
    <td><a href="/console/calls/${c.callSid}" id="call-${c.callSid}">${sidEnding(c.callSid)}</a></td>
    <td>${c.customerId ? html`ID ending ${customerEnding(c.customerId)}` : 'not verified yet'}</td>
    <td>${c.priority ?? '—'}</td>
    <td class="where">${c.agentId !== null ? html`<a href="#agent-${c.agentId}">${c.words}</a>` : c.words}</td>
    <td><span data-since="${c.startedAt}">${duration(b.now - c.startedAt)}</span></td>
  </tr>`,
  )}</tbody></table>`;
}

function queueRegion(b: Board): Html {
  if (b.queue.length === 0) return html`<p class="empty">Nobody is waiting.</p>`;
  return html`<ol class="queue">${b.queue.map(
    (q) => html`<li><span class="badge tier-${q.tier}">${tierLabel(q.tier)}</span>
    customer ID ending ${customerEnding(q.customerId)}, waiting <span data-since="${q.enqueuedAt}">${duration(b.now - q.enqueuedAt)}</span>${
      q.status === 'waiting' ? '' : html` (${q.status})`
    } — <a href="/console/calls/${q.callSid}" id="queue-${q.callSid}">call details</a></li>`,
  )}</ol>`;
}

function claimedBy(c: BoardCallback, me: number): string {
  if (!c.claimedBy) return '—';
  return c.claimedBy.agentId === me ? 'You' : c.claimedBy.name;
}

function callbackRow(c: BoardCallback, b: Board, csrf: string): Html {
  return html`<tr class="row-${c.sla}" data-callback="${c.reference}">
    <td>${deadlineCell(c, b.now)}<br><span class="small">due ${utc(c.dueAt)}</span></td>
    <td><a href="/console/callbacks/${c.callbackId}" id="cb-${c.callbackId}">${c.reference}</a></td>
    <td>ID ending ${customerEnding(c.customerId)}</td>
    <td>${c.priority} · ${tierLabel(c.tier)}</td>
    <td class="status-${c.status}">${statusLabel(c.status)}</td>
    <td>${claimedBy(c, b.me.agentId)}${c.notes ? html`<br><span class="small">${c.notes} note${c.notes === 1 ? '' : 's'}</span>` : ''}</td>
    <td class="actions">${callbackActions(c, b.me.agentId, csrf, '/console')}</td>
  </tr>`;
}

function callbacksRegion(b: Board, csrf: string): Html {
  const open =
    b.open.length === 0
      ? html`<p class="empty">No callbacks are owed.</p>`
      : html`<table id="open-callbacks"><caption class="vh">Open callbacks, earliest deadline first</caption>
  <thead><tr><th scope="col">Deadline</th><th scope="col">Reference</th><th scope="col">Customer</th><th scope="col">Priority</th><th scope="col">Status</th><th scope="col">Claimed by</th><th scope="col">Actions</th></tr></thead>
  <tbody>${b.open.map((c) => callbackRow(c, b, csrf))}</tbody></table>`;
  const closed =
    b.closed.length === 0
      ? html`<p class="empty">None in the last 12 hours.</p>`
      : html`<table id="closed-callbacks"><caption class="vh">Callbacks closed in the last 12 hours, latest first</caption>
  <thead><tr><th scope="col">Promise</th><th scope="col">Reference</th><th scope="col">Customer</th><th scope="col">Priority</th><th scope="col">Outcome</th><th scope="col">Completed by</th></tr></thead>
  <tbody>${b.closed.map(
    (c) => html`<tr class="row-${c.sla}" data-callback="${c.reference}">
    <td>${c.connectedAt !== null || c.outcome === 'reached' ? deadlineCell(c, b.now) : html`<span class="badge">Not connected</span>`}</td>
    <td><a href="/console/callbacks/${c.callbackId}" id="cb-${c.callbackId}">${c.reference}</a></td>
    <td>ID ending ${customerEnding(c.customerId)}</td>
    <td>${c.priority} · ${tierLabel(c.tier)}</td>
    <td class="outcome">${outcomeText(c)}</td>
    <td>${c.completedBy?.name ?? '—'}</td>
  </tr>`,
  )}</tbody></table>`;
  return html`${open}<h3>Closed in the last 12 hours</h3>${closed}`;
}

function agentsRegion(b: Board): Html {
  return html`<ul class="agents">${b.agents.map((a) => {
    const call = b.calls.find((c) => c.agentId === a.agentId);
    return html`<li id="agent-${a.agentId}">${a.name} ${stateBadge(a.state)}${
      call ? html` <a href="#live-${call.callSid}" class="small">${call.words.replace(` ${a.name}`, '')}: call ${sidEnding(call.callSid)}</a>` : ''
    }</li>`;
  })}</ul>`;
}

/** What calls for attention now: P1 callers waiting, callbacks at risk and breached (the script alerts on new ones). */
export function attention(b: Board): { waiting: string[]; atRisk: string[]; breached: string[] } {
  return {
    waiting: b.queue.map((q) => q.callSid),
    atRisk: b.open.filter((c) => c.sla === 'at_risk').map((c) => c.reference),
    breached: b.open.filter((c) => c.sla === 'breached').map((c) => c.reference),
  };
}

/** The tab's title: the counts that need someone, so that a background tab says it ("2 P1 waiting · 1 breached"). */
export function dashboardTitle(b: Board): string {
  const a = attention(b);
  const counts = [
    a.waiting.length ? `${a.waiting.length} P1 waiting` : '',
    a.breached.length ? `${a.breached.length} breached` : '',
    a.atRisk.length ? `${a.atRisk.length} at risk` : '',
  ].filter(Boolean);
  return counts.length ? `${counts.join(' · ')} · Dashboard` : 'Dashboard';
}

/** One sentence for screen readers, announced only when it changes. */
export function summary(b: Board): string {
  const atRisk = b.open.filter((c) => c.sla === 'at_risk').length;
  const breached = b.open.filter((c) => c.sla === 'breached').length;
  const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;
  return [
    plural(b.calls.length, 'live call'),
    `${b.queue.length} waiting in the P1 queue`,
    `${plural(b.open.length, 'open callback')}${atRisk || breached ? ` (${atRisk} at risk, ${breached} breached)` : ''}`,
  ].join(', ');
}

/** The parts of the dashboard the script refreshes, by region name, as markup. */
export function regions(b: Board, csrf: string): Record<string, string> {
  return {
    duty: dutyRegion(b.me, csrf).value,
    callbacks: callbacksRegion(b, csrf).value,
    'callbacks-count': String(b.open.length),
    calls: callsRegion(b).value,
    'calls-count': String(b.calls.length),
    queue: queueRegion(b).value,
    'queue-count': String(b.queue.length),
    agents: agentsRegion(b).value,
  };
}

/** The dashboard body: headings stay put, the regions under them refresh every few seconds. */
export function dashboard(b: Board, csrf: string): Html {
  const r = regions(b, csrf);
  const region = (name: string, tag: 'div' | 'span' = 'div') => html`<${tag} data-region="${name}">${new Html(r[name]!)}</${tag}>`;
  return html`<h1>Dashboard</h1>
<div data-live-url="/console/live" data-now="${b.now}" data-attention="${JSON.stringify(attention(b))}">
<p class="updated"><span id="live-updated">Updated ${utc(b.now)}.</span> <span id="live-status" role="status" aria-live="polite">${summary(b)}</span>
<button type="button" id="alerts-toggle" class="small" hidden aria-pressed="false">Turn on alerts</button></p>
<div class="columns">
<section aria-labelledby="h-queue"><h2 id="h-queue">P1 queue (${region('queue-count', 'span')})</h2>${region('queue')}</section>
<section aria-labelledby="h-calls"><h2 id="h-calls">Live calls (${region('calls-count', 'span')})</h2>${region('calls')}</section>
</div>
<section aria-labelledby="h-callbacks"><h2 id="h-callbacks">Callbacks owed (${region('callbacks-count', 'span')})</h2>${region('callbacks')}</section>
<div class="columns">
<section aria-labelledby="h-duty"><h2 id="h-duty">My duty</h2>${region('duty')}</section>
<section aria-labelledby="h-agents"><h2 id="h-agents">Agents</h2>${region('agents')}</section>
</div>
</div>`;
}
