import type { CreatedApiKey } from '../../domain/apiKeys.js';
import type { ApiKey } from '../../domain/storage/apiKeys.js';
import { API_KEY_SCOPES } from '../../domain/storage/apiKeys.js';
import { html, type Html } from '../html.js';
import type { Messages } from '../i18n/index.js';
import { csrfField } from '../layout.js';

/** What the form to make a key shows again: the values typed, and the error of a field, or the key just made. */
export interface ApiKeysState {
  values?: { name?: string; scope?: string };
  error?: { field: 'name' | 'scope'; message: string };
  created?: CreatedApiKey;
}

/** Every API key (never the keys themselves), the form to make one, and the one just made, shown once. */
export function apiKeysPage(t: Messages, keys: ApiKey[], csrf: string, state: ApiKeysState = {}): Html {
  const w = t.apiKeys;
  const col = w.columns;
  const when = (ms: number) => t.format.at(ms);
  const { values = {}, error, created } = state;
  const message = error && w.fieldError(error.field, error.message);
  const invalid = (field: string) => (error?.field === field ? html` aria-invalid="true" aria-describedby="err-${field}"` : '');
  const errorFor = (field: string) => (error?.field === field ? html`<span class="field-error" id="err-${field}">${message}</span>` : '');
  const scope = values.scope ?? 'dashboard';
  return html`<h1>${w.title}</h1>
${
  created
    ? html`<section class="flash flash-ok" role="status" aria-labelledby="h-created"><h2 id="h-created">${w.made(created.id)}</h2>
<p>${w.onlyOnce}</p>
<p><label for="new-key">${created.name} (${created.scope})</label> <input id="new-key" readonly value="${created.key}" size="60" autocomplete="off" spellcheck="false"></p></section>`
    : ''
}
${error ? html`<p class="flash flash-error" role="alert">${t.layout.errorPrefix}<a href="#f-${error.field}">${message}</a></p>` : ''}
<table>
<caption class="vh">${w.caption}</caption>
<thead><tr><th scope="col">${col.no}</th><th scope="col">${col.name}</th><th scope="col">${col.scope}</th><th scope="col">${col.hint}</th><th scope="col">${col.made}</th><th scope="col">${col.used}</th><th scope="col">${col.revoke}</th></tr></thead>
<tbody>${keys.map(
    (k) => html`<tr><td>${k.id}</td><td>${k.name}</td><td>${k.scope}</td><td><code>${k.hint}…</code></td><td>${when(k.createdAt)}</td><td>${k.lastUsedAt === null ? w.never : when(k.lastUsedAt)}</td><td>${
      k.revokedAt !== null
        ? w.revoked(when(k.revokedAt))
        : html`<form method="post" action="/console/api-keys/${k.id}/revoke">${csrfField(csrf)}<label class="choice"><input type="checkbox" name="confirm" value="1" required>${w.sure}</label> <button type="submit">${w.revokeKey(k.id)}</button></form>`
    }</td></tr>`,
  )}</tbody></table>
${keys.length === 0 ? html`<p>${w.none}</p>` : ''}
<section aria-labelledby="h-add"><h2 id="h-add">${w.make}</h2>
<form method="post" action="/console/api-keys" class="stack">${csrfField(csrf)}
<p><label for="f-name">${w.name}</label> <input id="f-name" name="name" value="${values.name ?? ''}" maxlength="200" required autocomplete="off"${invalid('name')}> ${errorFor('name')}</p>
<fieldset id="f-scope"${invalid('scope')}><legend>${w.scope}</legend>
${API_KEY_SCOPES.map((s) => html`<label class="choice"><input type="radio" name="scope" value="${s}"${scope === s ? ' checked' : ''}> ${s}: <span class="small">${w.scopeHelp[s]}</span></label><br>`)}
${errorFor('scope')}</fieldset>
<p><button type="submit">${w.makeSubmit}</button></p>
</form></section>`;
}
