import type { CreatedApiKey } from '../../domain/apiKeys.js';
import type { ApiKey } from '../../domain/storage/apiKeys.js';
import { API_KEY_SCOPES } from '../../domain/storage/apiKeys.js';
import { html, type Html } from '../html.js';
import { csrfField } from '../layout.js';

const SCOPE_HELP: Record<ApiKey['scope'], string> = {
  admin: 'everything the admin token may do',
  dashboard: 'one-time codes, authenticators and panel sessions, for any customer',
  read: 'GET requests only, one-time codes excepted',
};

const when = (ms: number | null) => (ms === null ? '' : new Date(ms).toISOString().replace('T', ' ').slice(0, 16) + ' UTC');

/** What the form to make a key shows again: the values typed, and the error of a field, or the key just made. */
export interface ApiKeysState {
  values?: { name?: string; scope?: string };
  error?: { field: 'name' | 'scope'; message: string };
  created?: CreatedApiKey;
}

/** Every API key (never the keys themselves), the form to make one, and the one just made, shown once. */
export function apiKeysPage(keys: ApiKey[], csrf: string, state: ApiKeysState = {}): Html {
  const { values = {}, error, created } = state;
  const invalid = (field: string) => (error?.field === field ? html` aria-invalid="true" aria-describedby="err-${field}"` : '');
  const errorFor = (field: string) => (error?.field === field ? html`<span class="field-error" id="err-${field}">${error.message}</span>` : '');
  const scope = values.scope ?? 'dashboard';
  return html`<h1>API keys</h1>
${
  created
    ? html`<section class="flash flash-ok" role="status" aria-labelledby="h-created"><h2 id="h-created">Key ${created.id} made: copy it now</h2>
<p>This is the only time the key is shown: only its hash is kept.</p>
<p><label for="new-key">${created.name} (${created.scope})</label> <input id="new-key" readonly value="${created.key}" size="60" autocomplete="off" spellcheck="false"></p></section>`
    : ''
}
${error ? html`<p class="flash flash-error" role="alert">Error: <a href="#f-${error.field}">${error.message}</a></p>` : ''}
<table>
<caption class="vh">All API keys</caption>
<thead><tr><th scope="col">No.</th><th scope="col">Name</th><th scope="col">Scope</th><th scope="col">Starts with</th><th scope="col">Made</th><th scope="col">Last used</th><th scope="col">Revoke</th></tr></thead>
<tbody>${keys.map(
    (k) => html`<tr><td>${k.id}</td><td>${k.name}</td><td>${k.scope}</td><td><code>${k.hint}…</code></td><td>${when(k.createdAt)}</td><td>${k.lastUsedAt === null ? 'never' : when(k.lastUsedAt)}</td><td>${
      k.revokedAt !== null
        ? html`revoked ${when(k.revokedAt)}`
        : html`<form method="post" action="/console/api-keys/${k.id}/revoke">${csrfField(csrf)}<label class="choice"><input type="checkbox" name="confirm" value="1" required> sure</label> <button type="submit">Revoke key ${k.id}</button></form>`
    }</td></tr>`,
  )}</tbody></table>
${keys.length === 0 ? html`<p>No API keys yet.</p>` : ''}
<section aria-labelledby="h-add"><h2 id="h-add">Make a key</h2>
<form method="post" action="/console/api-keys" class="stack">${csrfField(csrf)}
<p><label for="f-name">Name (who uses it)</label> <input id="f-name" name="name" value="${values.name ?? ''}" maxlength="200" required autocomplete="off"${invalid('name')}> ${errorFor('name')}</p>
<fieldset id="f-scope"${invalid('scope')}><legend>Scope</legend>
${API_KEY_SCOPES.map((s) => html`<label class="choice"><input type="radio" name="scope" value="${s}"${scope === s ? ' checked' : ''}> ${s}: <span class="small">${SCOPE_HELP[s]}</span></label><br>`)}
${errorFor('scope')}</fieldset>
<p><button type="submit">Make key</button></p>
</form></section>`;
}
