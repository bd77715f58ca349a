import type { Agent } from '../../domain/storage/agents.js';
import type { Board, BoardCallback } from '../board.js';
import { customerEnding } from '../format.js';
import { Html, html } from '../html.js';
import type { Messages } from '../i18n/index.js';
import { csrfField } from '../layout.js';
import { callbackActions, deadlineCell, outcomeText, statusLabel } from './callbackBits.js';

const sidEnding = (sid: string) => `…${sid.slice(-6)}`;

/** An agent's state as a badge with words. */
export const stateBadge = (t: Messages, state: Agent['state']) => html`<span class="badge state-${state}">${t.states[state]}</span>`;

/** The signed-in agent's own state and duty switch. */
function dutyRegion(t: Messages, me: Agent, csrf: string): Html {
  const d = t.dashboard.duty;
  const button = (duty: Agent['duty'], label: string) =>
    me.duty === duty
      ? html`<button type="submit" name="duty" value="${duty}" id="duty-${duty}" aria-pressed="true" disabled>${label}</button>`
      : html`<button type="submit" name="duty" value="${duty}" id="duty-${duty}" aria-pressed="false">${label}</button>`;
  return html`<p>${d.line(stateBadge(t, me.state), d.how[me.duty], me.duty === 'roster' ? me.onDuty : null)}</p>
  <form method="post" action="/console/duty">${csrfField(csrf)}
    <fieldset class="buttons"><legend>${d.legend}</legend>
    ${button('on', d.on)} ${button('off', d.off)} ${button('roster', d.roster)}
    </fieldset>
  </form>${
    me.onCall
      ? html`<form method="post" action="/console/release">${csrfField(csrf)}
    <p>${d.onCallSince(t.format.at(me.onCall.since))} <button type="submit" id="release-me">${d.markFree}</button></p></form>`
      : ''
  }`;
}

function callsRegion(t: Messages, b: Board): Html {
  const d = t.dashboard;
  if (b.calls.length === 0) return html`<p class="empty">${d.noCalls}</p>`;
  return html`<table class="calls">
  <caption class="vh">${d.callsCaption}</caption>
  <thead><tr><th scope="col">${d.columns.call}</th><th scope="col">${d.columns.customer}</th><th scope="col">${d.columns.priority}</th><th scope="col">${d.columns.where}</th><th scope="col">${d.columns.inFlow}</th></tr></thead>
  <tbody>${b.calls.map(
    (c) => html`<tr id="live-${c.callSid}">
    <td><a href="/console/calls/${c.callSid}" id="call-${c.callSid}">${sidEnding(c.callSid)}</a></td>
    <td>${c.customerId ? t.idEnding(customerEnding(c.customerId)) : d.notVerified}</td>
    <td>${c.priority ?? '—'}</td>
    <td class="where">${c.agentId !== null ? html`<a href="#agent-${c.agentId}">${c.words}</a>` : c.words}</td>
    <td><span data-since="${c.startedAt}">${t.format.duration(b.now - c.startedAt)}</span></td>
  </tr>`,
  )}</tbody></table>`;
}

function queueRegion(t: Messages, b: Board): Html {
  if (b.queue.length === 0) return html`<p class="empty">${t.dashboard.nobodyWaiting}</p>`;
  return html`<ol class="queue">${b.queue.map(
    (q) => html`<li><span class="badge tier-${q.tier}">${t.tier(q.tier)}</span>
    ${t.dashboard.queued(customerEnding(q.customerId), html`<span data-since="${q.enqueuedAt}">${t.format.duration(b.now - q.enqueuedAt)}</span>`)}${
      q.status === 'waiting' ? '' : html` (${q.status})`
    } — <a href="/console/calls/${q.callSid}" id="queue-${q.callSid}">${t.dashboard.callDetails}</a></li>`,
  )}</ol>`;
}

function claimedBy(t: Messages, c: BoardCallback, me: number): string {
  if (!c.claimedBy) return '—';
  return c.claimedBy.agentId === me ? t.dashboard.you : c.claimedBy.name;
}

function callbackRow(t: Messages, c: BoardCallback, b: Board, csrf: string): Html {
  return html`<tr class="row-${c.sla}" data-callback="${c.reference}">
    <td>${deadlineCell(t, c, b.now)}<br><span class="small">${t.dashboard.due(t.format.at(c.dueAt))}</span></td>
    <td><a href="/console/callbacks/${c.callbackId}" id="cb-${c.callbackId}">${c.reference}</a></td>
    <td>${t.idEnding(customerEnding(c.customerId))}</td>
    <td>${c.priority} · ${t.tier(c.tier)}</td>
    <td class="status-${c.status}">${statusLabel(t, c.status)}</td>
    <td>${claimedBy(t, c, b.me.agentId)}${c.notes ? html`<br><span class="small">${t.dashboard.notes(c.notes)}</span>` : ''}</td>
    <td class="actions">${callbackActions(t, c, b.me.agentId, csrf, '/console')}</td>
  </tr>`;
}

function callbacksRegion(t: Messages, b: Board, csrf: string): Html {
  const d = t.dashboard;
  const col = d.columns;
  const open =
    b.open.length === 0
      ? html`<p class="empty">${d.noCallbacks}</p>`
      : html`<table id="open-callbacks"><caption class="vh">${d.openCaption}</caption>
  <thead><tr><th scope="col">${col.deadline}</th><th scope="col">${col.reference}</th><th scope="col">${col.customer}</th><th scope="col">${col.priority}</th><th scope="col">${col.status}</th><th scope="col">${col.claimedBy}</th><th scope="col">${col.actions}</th></tr></thead>
  <tbody>${b.open.map((c) => callbackRow(t, c, b, csrf))}</tbody></table>`;
  const closed =
    b.closed.length === 0
      ? html`<p class="empty">${d.noneClosed}</p>`
      : html`<table id="closed-callbacks"><caption class="vh">${d.closedCaption}</caption>
  <thead><tr><th scope="col">${col.promise}</th><th scope="col">${col.reference}</th><th scope="col">${col.customer}</th><th scope="col">${col.priority}</th><th scope="col">${col.outcome}</th><th scope="col">${col.completedBy}</th></tr></thead>
  <tbody>${b.closed.map(
    (c) => html`<tr class="row-${c.sla}" data-callback="${c.reference}">
    <td>${c.connectedAt !== null || c.outcome === 'reached' ? deadlineCell(t, c, b.now) : html`<span class="badge">${d.notConnected}</span>`}</td>
    <td><a href="/console/callbacks/${c.callbackId}" id="cb-${c.callbackId}">${c.reference}</a></td>
    <td>${t.idEnding(customerEnding(c.customerId))}</td>
    <td>${c.priority} · ${t.tier(c.tier)}</td>
    <td class="outcome">${outcomeText(t, c)}</td>
    <td>${c.completedBy?.name ?? '—'}</td>
  </tr>`,
  )}</tbody></table>`;
  return html`${open}<h3>${d.closed}</h3>${closed}`;
}

function agentsRegion(t: Messages, b: Board): Html {
  return html`<ul class="agents">${b.agents.map((a) => {
    const call = b.calls.find((c) => c.agentId === a.agentId);
    return html`<li id="agent-${a.agentId}">${a.name} ${stateBadge(t, a.state)}${
      call ? html` <a href="#live-${call.callSid}" class="small">${t.dashboard.callWith(a.onCall?.callSid === call.callSid ? t.live.talkingShort : t.live.ringingShort, sidEnding(call.callSid))}</a>` : ''
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
export function dashboardTitle(t: Messages, b: Board): string {
  const a = attention(b);
  const counts = t.dashboard.counts(a.waiting.length, a.breached.length, a.atRisk.length);
  return [...counts, t.dashboard.title].join(' · ');
}

/** One sentence for screen readers, announced only when it changes. */
export function summary(t: Messages, b: Board): string {
  const atRisk = b.open.filter((c) => c.sla === 'at_risk').length;
  const breached = b.open.filter((c) => c.sla === 'breached').length;
  return t.dashboard.summary(b.calls.length, b.queue.length, b.open.length, atRisk, breached);
}

/** The parts of the dashboard the script refreshes, by region name, as markup. */
export function regions(t: Messages, b: Board, csrf: string): Record<string, string> {
  return {
    duty: dutyRegion(t, b.me, csrf).value,
    callbacks: callbacksRegion(t, b, csrf).value,
    'callbacks-count': String(b.open.length),
    calls: callsRegion(t, b).value,
    'calls-count': String(b.calls.length),
    queue: queueRegion(t, b).value,
    'queue-count': String(b.queue.length),
    agents: agentsRegion(t, b).value,
  };
}

/** The dashboard body: headings stay put, the regions under them refresh every few seconds. */
export function dashboard(t: Messages, b: Board, csrf: string): Html {
  const d = t.dashboard;
  const r = regions(t, b, csrf);
  const region = (name: string, tag: 'div' | 'span' = 'div') => html`<${tag} data-region="${name}">${new Html(r[name]!)}</${tag}>`;
  return html`<h1>${d.title}</h1>
<div data-live-url="/console/live" data-now="${b.now}" data-attention="${JSON.stringify(attention(b))}">
<p class="updated"><span id="live-updated">${d.updated(t.format.at(b.now))}</span> <span id="live-status" role="status" aria-live="polite">${summary(t, b)}</span>
<button type="button" id="alerts-toggle" class="small" hidden aria-pressed="false">${d.alertsOff}</button></p>
<div class="columns">
<section aria-labelledby="h-queue"><h2 id="h-queue">${d.queue} (${region('queue-count', 'span')})</h2>${region('queue')}</section>
<section aria-labelledby="h-calls"><h2 id="h-calls">${d.calls} (${region('calls-count', 'span')})</h2>${region('calls')}</section>
</div>
<section aria-labelledby="h-callbacks"><h2 id="h-callbacks">${d.callbacks} (${region('callbacks-count', 'span')})</h2>${region('callbacks')}</section>
<div class="columns">
<section aria-labelledby="h-duty"><h2 id="h-duty">${d.myDuty}</h2>${region('duty')}</section>
<section aria-labelledby="h-agents"><h2 id="h-agents">${d.agents}</h2>${region('agents')}</section>
</div>
</div>`;
}
