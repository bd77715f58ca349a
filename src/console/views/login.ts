import { html, type Html } from '../html.js';
import type { Messages } from '../i18n/index.js';

/** The sign-in form: agent number and password, with the error (if any) tied to the fields. */
export function loginForm(t: Messages, { csrf, agentId, error }: { csrf: string; agentId?: string; error?: string }): Html {
  const w = t.login;
  return html`<h1>${w.title}</h1>
<form method="post" action="/console/login?lang=${t.htmlLang}" class="stack login"${error ? html` aria-describedby="login-error"` : ''}>
  <input type="hidden" name="_csrf" value="${csrf}">
  ${error ? html`<p id="login-error" class="flash flash-error" role="alert">${error}</p>` : ''}
  <p><label for="agentId">${w.agentNumber}</label>
  <input id="agentId" name="agentId" inputmode="numeric" autocomplete="username" required pattern="[0-9]{1,9}" value="${agentId ?? ''}"${error ? html` aria-invalid="true"` : ''} autofocus></p>
  <p><label for="password">${w.password}</label>
  <input id="password" name="password" type="password" autocomplete="current-password" required maxlength="256"${error ? html` aria-invalid="true"` : ''}></p>
  <p><button type="submit">${w.submit}</button></p>
</form>
<p class="small">${w.noPassword} <code>hotline agents set-password ID</code></p>`;
}
