import type { Agent } from '../../domain/storage/agents.js';
import { E164_PATTERN } from '../../domain/customer.js';
import { formatRosterRule, isOnRoster } from '../../domain/roster.js';
import { LANGUAGES } from '../../../voice-flows/prompts/index.js';
import { html, type Html } from '../html.js';
import type { Messages } from '../i18n/index.js';
import { csrfField } from '../layout.js';
import { stateBadge } from './dashboard.js';

/** Form values as typed (re-shown after an error) and the message of the field at fault. */
export interface FormState {
  values: Record<string, string | string[] | undefined>;
  error?: { field: string; message: string };
}

function errorFor(t: Messages, state: FormState | undefined, field: string): Html | '' {
  return state?.error?.field === field ? html`<span class="field-error" id="err-${field}">${t.agents.fieldError(field, state.error.message)}</span>` : '';
}
const invalid = (state: FormState | undefined, field: string) =>
  state?.error?.field === field ? html` aria-invalid="true" aria-describedby="err-${field}"` : '';

function errorSummary(t: Messages, state: FormState | undefined): Html | '' {
  if (!state?.error) return '';
  return html`<p class="flash flash-error" role="alert">${t.layout.errorPrefix}<a href="#f-${state.error.field}">${t.agents.fieldError(state.error.field, state.error.message)}</a></p>`;
}

/** Name, phone, languages, duty and role fields, shared by the create and edit forms. */
function agentFields(t: Messages, values: FormState['values'], state: FormState | undefined): Html {
  const w = t.agents;
  const text = (name: string, label: string, extra: Html | string = '') =>
    html`<p><label for="f-${name}">${label}</label> <input id="f-${name}" name="${name}" value="${String(values[name] ?? '')}" required${invalid(state, name)}${extra}> ${errorFor(t, state, name)}</p>`;
  const languages = ([] as string[]).concat(values.languages ?? []);
  const duty = String(values.duty ?? 'off');
  return html`${text('name', w.name, html` maxlength="200" autocomplete="off"`)}
  ${text('phone', w.phone, html` inputmode="tel" pattern="${E164_PATTERN}"`)}
  <fieldset id="f-languages"${invalid(state, 'languages')}><legend>${w.languages}</legend>
  ${LANGUAGES.map((l) => html`<label class="choice"><input type="checkbox" name="languages" value="${l}"${languages.includes(l) ? ' checked' : ''}> ${w.languageNames[l] ?? l}</label>`)}
  ${errorFor(t, state, 'languages')}</fieldset>
  <fieldset id="f-duty"><legend>${w.dutyLegend}</legend>
  ${(['on', 'off', 'roster'] as const).map((d) => html`<label class="choice"><input type="radio" name="duty" value="${d}"${duty === d ? ' checked' : ''}> ${w.duty[d]}</label>`)}
  </fieldset>
  <p><label class="choice"><input type="checkbox" name="isAdmin" value="1"${values.isAdmin ? ' checked' : ''}> ${w.isAdmin}</label> ${errorFor(t, state, 'isAdmin')}</p>`;
}

const passwordField = (t: Messages, state: FormState | undefined, label: string, required: boolean) =>
  html`<p><label for="f-password">${label}</label> <input id="f-password" name="password" type="password" autocomplete="new-password" minlength="12" maxlength="256"${required ? ' required' : ''}${invalid(state, 'password')} aria-describedby="pw-help"> <span id="pw-help" class="small">${t.agents.passwordHelp}</span> ${errorFor(t, state, 'password')}</p>`;

/** Every agent, and the form to add one. */
export function agentsPage(t: Messages, agents: Agent[], withPassword: Set<number>, csrf: string, state?: FormState): Html {
  const w = t.agents;
  const col = w.columns;
  const values = state?.values ?? { duty: 'off', languages: ['en-US'] };
  return html`<h1>${w.title}</h1>
<table>
<caption class="vh">${w.caption}</caption>
<thead><tr><th scope="col">${col.no}</th><th scope="col">${col.name}</th><th scope="col">${col.phone}</th><th scope="col">${col.languages}</th><th scope="col">${col.duty}</th><th scope="col">${col.now}</th><th scope="col">${col.console}</th></tr></thead>
<tbody>${agents.map(
    (a) => html`<tr><td>${a.agentId}</td><td><a href="/console/agents/${a.agentId}">${a.name}</a>${a.isAdmin ? w.admin : ''}</td><td>${a.phone}</td><td>${a.languages.join(', ')}</td><td>${w.duty[a.duty]}${a.duty === 'roster' && a.roster ? html`<br><span class="small">${a.roster.timeZone}</span>` : ''}</td><td>${stateBadge(t, a.state)}</td><td>${withPassword.has(a.agentId) ? w.canSignIn : w.noPassword}</td></tr>`,
  )}</tbody></table>
<section aria-labelledby="h-add"><h2 id="h-add">${w.add}</h2>
${errorSummary(t, state)}
<form method="post" action="/console/agents" class="stack">${csrfField(csrf)}
${agentFields(t, values, state)}
${passwordField(t, state, w.passwordOptional, false)}
<p><button type="submit">${w.addSubmit}</button></p>
</form></section>`;
}

/** One agent: details, weekly roster, password and removal, each its own form. */
export function agentPage(t: Messages, agent: Agent, csrf: string, now: number, state?: FormState & { form: 'details' | 'roster' | 'password' | 'remove' }): Html {
  const w = t.agents;
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
  return html`<p><a href="/console/agents">${w.back}</a></p>
<h1>${w.heading(agent.agentId, agent.name)}</h1>
<p>${w.now} ${stateBadge(t, agent.state)}${agent.duty === 'roster' ? w.rosterHas(Boolean(agent.roster && isOnRoster(agent.roster, now))) : ''}</p>
<section aria-labelledby="h-details"><h2 id="h-details">${w.details}</h2>
${errorSummary(t, details)}
<form method="post" action="/console/agents/${agent.agentId}" class="stack">${csrfField(csrf)}
${agentFields(t, values, details)}
<p><button type="submit">${w.saveDetails}</button></p>
</form></section>
<section aria-labelledby="h-roster"><h2 id="h-roster">${w.roster}</h2>
<p class="small">${w.rosterHelp}</p>
${errorSummary(t, roster)}
<form method="post" action="/console/agents/${agent.agentId}/roster" class="stack">${csrfField(csrf)}
<p><label for="f-timeZone">${w.timeZone}</label> <input id="f-timeZone" name="timeZone" value="${zone}" required${invalid(roster, 'timeZone')}> ${errorFor(t, roster, 'timeZone')}</p>
<p><label for="f-rules">${w.shifts}</label> <textarea id="f-rules" name="rules" rows="5"${invalid(roster, 'rules')}>${rules}</textarea> ${errorFor(t, roster, 'rules')}</p>
<p><button type="submit">${w.saveRoster}</button></p>
</form></section>
<section aria-labelledby="h-password"><h2 id="h-password">${w.password}</h2>
<p class="small">${w.passwordNote}</p>
${errorSummary(t, password)}
<form method="post" action="/console/agents/${agent.agentId}/password" class="stack">${csrfField(csrf)}
${passwordField(t, password, w.newPassword, true)}
<p><button type="submit">${w.setPassword}</button></p>
</form></section>
<section aria-labelledby="h-remove"><h2 id="h-remove">${w.remove}</h2>
<p class="small">${w.removeNote}</p>
${errorSummary(t, removal)}
<form method="post" action="/console/agents/${agent.agentId}/remove" class="stack">${csrfField(csrf)}
<p><label class="choice"><input id="f-confirm" type="checkbox" name="confirm" value="1" required${invalid(removal, 'confirm')}>${w.hasLeft(agent.name)}</label> ${errorFor(t, removal, 'confirm')}</p>
<p><button type="submit">${w.removeSubmit}</button></p>
</form></section>`;
}
