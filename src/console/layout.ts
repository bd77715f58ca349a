import type { RequestHandler } from 'express';
import type { Agent } from '../domain/storage/agents.js';
import { html, type Html } from './html.js';
import { CATALOGUES, type Messages } from './i18n/index.js';
import { CONSOLE_LANGUAGES } from '../domain/storage/agents.js';

/** Headers on every console response: no inline script or style, no framing, no referrer to other sites, no sniffing, no caching. */
export const securityHeaders: RequestHandler = (_req, res, next) => {
  res.set({
    'Content-Security-Policy':
      "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; media-src 'self'; connect-src 'self'; " +
      "form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
    'X-Frame-Options': 'DENY',
    // same-origin, not no-referrer: with no-referrer Chromium posts forms with "Origin: null", and the
    // origin check needs the real one. Nothing is sent to other sites either way.
    'Referrer-Policy': 'same-origin',
    'X-Content-Type-Options': 'nosniff',
    'Cross-Origin-Opener-Policy': 'same-origin',
    'Cache-Control': 'no-store',
  });
  next();
};

/** A hidden field with the session's CSRF token, for every form. */
export const csrfField = (token: string) => html`<input type="hidden" name="_csrf" value="${token}">`;

export interface PageOptions {
  /** The catalogue of the language the page is in. */
  t: Messages;
  title: string;
  body: Html;
  /** The signed-in agent and their session's CSRF token; absent on the sign-in page. */
  me?: { agent: Agent; csrf: string };
  /** The nav entry of this page. */
  section?: 'dashboard' | 'agents' | 'api-keys';
  /** A one-line confirmation or error shown at the top, announced to screen readers. */
  flash?: { kind: 'ok' | 'error'; text: string } | undefined;
  /** Where the sign-in page's language links lead (the signed-in switch is a form). */
  languageLinks?: string;
}

/**
 * The language switch, each language named in itself: a form that stores the choice on the agent's
 * account, or before sign-in, links that ask for the page in that language.
 */
function languageSwitch(t: Messages, me: PageOptions['me'], links: string | undefined): Html {
  const choices = CONSOLE_LANGUAGES.map((l) => ({ l, name: CATALOGUES[l].languageName, current: CATALOGUES[l] === t }));
  if (me) {
    return html`<form class="language" method="post" action="/console/language">${csrfField(me.csrf)}
    <fieldset class="buttons"><legend class="vh">${t.layout.language}</legend>${choices.map(
      ({ l, name, current }) =>
        html`<button type="submit" name="language" value="${l}" lang="${CATALOGUES[l].htmlLang}" id="language-${l}" aria-pressed="${current ? 'true' : 'false'}"${current ? ' disabled' : ''}>${name}</button>`,
    )}</fieldset></form>`;
  }
  if (links === undefined) return html``;
  return html`<nav class="language" aria-label="${t.layout.language}"><ul>${choices.map(({ l, name, current }) =>
    current
      ? html`<li><span lang="${CATALOGUES[l].htmlLang}" aria-current="true">${name}</span></li>`
      : html`<li><a href="${links}?lang=${l}" lang="${CATALOGUES[l].htmlLang}" hreflang="${CATALOGUES[l].htmlLang}">${name}</a></li>`,
  )}</ul></nav>`;
}

/** The page shell: skip link, header with who is signed in, navigation, and the main landmark. */
export function page({ t, title, body, me, section, flash, languageLinks }: PageOptions): Html {
  const navLink = (href: string, label: string, key: PageOptions['section']) =>
    html`<li><a href="${href}"${key === section ? html` aria-current="page"` : ''}>${label}</a></li>`;
  return html`<!doctype html>
<html lang="${t.htmlLang}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${t.layout.title(title)}</title>
<link rel="icon" href="/console/static/favicon.svg" type="image/svg+xml">
<link rel="stylesheet" href="/console/static/console.css">
<script src="/console/static/console.js" defer></script>
</head>
<body data-messages="${JSON.stringify(t.client)}">
<a class="skip" href="#main">${t.layout.skip}</a>
<header class="top">
  <p class="brand"><a href="/console">${t.layout.brand}</a></p>
  ${
    me
      ? html`<nav aria-label="${t.layout.nav}">
    <ul>${navLink('/console', t.layout.dashboard, 'dashboard')}${me.agent.isAdmin ? [navLink('/console/agents', t.layout.agents, 'agents'), navLink('/console/api-keys', t.layout.apiKeys, 'api-keys')] : ''}</ul>
  </nav>
  <form class="signout" method="post" action="/console/logout">
    ${csrfField(me.csrf)}
    <span>${t.layout.signedInAs(me.agent.name, me.agent.agentId, me.agent.isAdmin)}</span>
    <button type="submit">${t.layout.signOut}</button>
  </form>`
      : ''
  }
  ${languageSwitch(t, me, languageLinks)}
</header>
<main id="main" tabindex="-1">
${flash ? html`<p class="flash flash-${flash.kind}" role="${flash.kind === 'error' ? 'alert' : 'status'}">${flash.kind === 'error' ? t.layout.errorPrefix : ''}${flash.text}</p>` : ''}
${body}
</main>
</body>
</html>
`;
}
