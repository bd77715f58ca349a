import type { Agent } from '../../domain/storage/agents.js';
import { E164_PATTERN } from '../../domain/customer.js';
import { formatRosterRule, isOnRoster } from '../../domain/roster.js';
import { LANGUAGES } from '../../../voice-flows/prompts/index.js';
import { html, type Html } from '../html.js';
import { csrfField } from '../layout.js';
import { stateBadge } from './dashboard.js';

/** Form values as typed (re-shown after an error) and the message of the field at fault. */
export interface FormState {
  values: Record<string, string | string[] | undefined>;
  error?: { field: string; message: string };
}

const DUTY_LABEL: Record<Agent['duty'], string> = { on: 'On duty', off: 'Off duty', roster: 'Follows roster' };

function errorFor(state: FormState | undefined, field: string): Html | '' {
  return state?.error?.field === field ? html`<span class="field-error" id="err-${field}">${state.error.message}</span>` : '';
}
const invalid = (state: FormState | undefined, field: string) =>
  state?.error?.field === field ? html` aria-invalid="true" aria-describedby="err-${field}"` : '';

function errorSummary(state: FormState | undefined): Html | '' {
  if (!state?.error) return '';
  return html`<p class="flash flash-error" role="alert">Error: <a href="#f-${state.error.field}">${state.error.message}</a></p>`;
}

/** Name, phone, languages, duty and role fields, shared by the create and edit forms. */
function agentFields(values: FormState['values'], state: FormState | undefined): Html {
  const text = (name: string, label: string, extra: Html | string = '') =>
    html`<p><label for="f-${name}">${label}</label> <input id="f-${name}" name="${name}" value="${String(values[name] ?? '')}" required${invalid(state, name)}${extra}> ${errorFor(state, name)}</p>`;
  const languages = ([] as string[]).concat(values.languages ?? []);
  const duty = String(values.duty ?? 'off');
  return html`${text('name', 'Name', html` maxlength="200" autocomplete="off"`)}
  ${text('phone', 'Phone (E.164, e.g. +14155550100)', html` inputmode="tel" pattern="${E164_PATTERN}"`)}
  <fieldset id="f-languages"${invalid(state, 'languages')}><legend>Languages</legend>
  ${LANGUAGES.map((l) => html`<label class="choice"><input type="checkbox" name="languages" value="${l}"${languages.includes(l) ? ' checked' : ''}> ${l}</label>`)}
  ${errorFor(state, 'languages')}</fieldset>
  <fieldset id="f-duty"><legend>Duty</legend>
  ${(['on', 'off', 'roster'] as const).map((d) => html`<label class="choice"><input type="radio" name="duty" value="${d}"${duty === d ? ' checked' : ''}> ${DUTY_LABEL[d]}</label>`)}
  </fieldset>
  <p><label class="choice"><input type="checkbox" name="isAdmin" value="1"${values.isAdmin ? ' checked' : ''}> Admin (manages agents)</label></p>`;
}

const passwordField = (state: FormState | undefined, label: string, required: boolean) =>
  html`<p><label for="f-password">${label}</label> <input id="f-password" name="password" type="password" autocomplete="new-password" minlength="12" maxlength="256"${required ? ' required' : ''}${invalid(state, 'password')} aria-describedby="pw-help"> <span id="pw-help" class="small">At least 12 characters.</span> ${errorFor(state, 'password')}</p>`;

/** Every agent, and the form to add one. */
export function agentsPage(agents: Agent[], withPassword: Set<number>, csrf: string, state?: FormState): Html {
  const values = state?.values ?? { duty: 'off', languages: ['en-US'] };
  return html`<h1>Agents</h1>
<table>
<caption class="vh">All agents</caption>
<thead><tr><th scope="col">No.</th><th scope="col">Name</th><th scope="col">Phone</th><th scope="col">Languages</th><th scope="col">Duty</th><th scope="col">Now</th><th scope="col">Console</th></tr></thead>
<tbody>${agents.map(
    (a) => html`<tr><td>${a.agentId}</td><td><a href="/console/agents/${a.agentId}">${a.name}</a>${a.isAdmin ? ' (admin)' : ''}</td><td>${a.phone}</td><td>${a.languages.join(', ')}</td><td>${DUTY_LABEL[a.duty]}${a.duty === 'roster' && a.roster ? html`<br><span class="small">${a.roster.timeZone}</span>` : ''}</td><td>${stateBadge(a.state)}</td><td>${withPassword.has(a.agentId) ? 'can sign in' : 'no password'}</td></tr>`,
  )}</tbody></table>
<section aria-labelledby="h-add"><h2 id="h-add">Add an agent</h2>
${errorSummary(state)}
<form method="post" action="/console/agents" class="stack">${csrfField(csrf)}
${agentFields(values, state)}
${passwordField(state, 'Password (optional)', false)}
<p><button type="submit">Add agent</button></p>
</form></section>`;
}

/** One agent: details, weekly roster, password and removal, each its own form. */
export function agentPage(agent: Agent, csrf: string, now: number, state?: FormState & { form: 'details' | 'roster' | 'password' | 'remove' }): Html {
  const details = state?.form === 'details' ? state : undefined;
  const roster = state?.form === 'roster' ? state : undefined;
  const password = state?.form === 'password' ? state : undefined;
  const removal = state?.form === 'remove' ? state : undefined;
  const values: FormState['values'] = details?.values ?? {
    name: agent.name,
    phone: agent.phone,
    languages: agent.languages,
    duty: agent.duty,
    isAdmin: agent.isAdmin ? '1' : undefined,
  };
  const zone = String(roster?.values.timeZone ?? agent.roster?.timeZone ?? '');
  const rules = String(roster?.values.rules ?? (agent.roster?.rules ?? []).map(formatRosterRule).join('\n'));
  return html`<p><a href="/console/agents">← Agents</a></p>
<h1>Agent ${agent.agentId}: ${agent.name}</h1>
<p>Now: ${stateBadge(agent.state)}${agent.duty === 'roster' ? html` — the roster has them <strong>${agent.roster && isOnRoster(agent.roster, now) ? 'on duty' : 'off duty'}</strong>` : ''}</p>
<section aria-labelledby="h-details"><h2 id="h-details">Details</h2>
${errorSummary(details)}
<form method="post" action="/console/agents/${agent.agentId}" class="stack">${csrfField(csrf)}
${agentFields(values, details)}
<p><button type="submit">Save details</button></p>
</form></section>
<section aria-labelledby="h-roster"><h2 id="h-roster">Weekly roster</h2>
<p class="small">Used when duty is “Follows roster”. One shift per line, days then local times, e.g. <code>mon-fri 09:00-17:00</code> or <code>fri,sat 22:00-06:00</code> (an end at or before the start is the next morning). Times are read in the agent’s time zone, daylight saving included.</p>
${errorSummary(roster)}
<form method="post" action="/console/agents/${agent.agentId}/roster" class="stack">${csrfField(csrf)}
<p><label for="f-timeZone">Time zone (IANA, e.g. Asia/Tokyo)</label> <input id="f-timeZone" name="timeZone" value="${zone}" required${invalid(roster, 'timeZone')}> ${errorFor(roster, 'timeZone')}</p>
<p><label for="f-rules">Shifts</label> <textarea id="f-rules" name="rules" rows="5"${invalid(roster, 'rules')}>${rules}</textarea> ${errorFor(roster, 'rules')}</p>
<p><button type="submit">Save roster</button></p>
</form></section>
<section aria-labelledby="h-password"><h2 id="h-password">Console password</h2>
<p class="small">Setting a password signs the agent out everywhere.</p>
${errorSummary(password)}
<form method="post" action="/console/agents/${agent.agentId}/password" class="stack">${csrfField(csrf)}
${passwordField(password, 'New password', true)}
<p><button type="submit">Set password</button></p>
</form></section>
<section aria-labelledby="h-remove"><h2 id="h-remove">Remove agent</h2>
<p class="small">For an agent who left: off duty for good, signed out, password deleted, and callbacks they claimed given back to the dialer. Calls and callbacks keep their name. This cannot be undone; add a new agent if they return.</p>
${errorSummary(removal)}
<form method="post" action="/console/agents/${agent.agentId}/remove" class="stack">${csrfField(csrf)}
<p><label class="choice"><input id="f-confirm" type="checkbox" name="confirm" value="1" required${invalid(removal, 'confirm')}> ${agent.name} has left the team</label> ${errorFor(removal, 'confirm')}</p>
<p><button type="submit">Remove agent</button></p>
</form></section>`;
}
