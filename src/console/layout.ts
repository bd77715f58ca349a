import type { RequestHandler } from 'express';
import type { Agent } from '../domain/storage/agents.js';
import { html, type Html } from './html.js';

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
  title: string;
  body: Html;
  /** The signed-in agent and their session's CSRF token; absent on the sign-in page. */
  me?: { agent: Agent; csrf: string };
  /** The nav entry of this page. */
  section?: 'dashboard' | 'agents';
  /** A one-line confirmation or error shown at the top, announced to screen readers. */
  flash?: { kind: 'ok' | 'error'; text: string } | undefined;
}

/** The page shell: skip link, header with who is signed in, navigation, and the main landmark. */
export function page({ title, body, me, section, flash }: PageOptions): Html {
  const navLink = (href: string, label: string, key: PageOptions['section']) =>
    html`<li><a href="${href}"${key === section ? html` aria-current="page"` : ''}>${label}</a></li>`;
  return html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${title} · Hotline console</title>
<link rel="icon" href="/console/static/favicon.svg" type="image/svg+xml">
<link rel="stylesheet" href="/console/static/console.css">
<script src="/console/static/console.js" defer></script>
</head>
<body>
<a class="skip" href="#main">Skip to content</a>
<header class="top">
  <p class="brand"><a href="/console">Hotline console</a></p>
  ${
    me
      ? html`<nav aria-label="Console">
    <ul>${navLink('/console', 'Dashboard', 'dashboard')}${me.agent.isAdmin ? navLink('/console/agents', 'Agents', 'agents') : ''}</ul>
  </nav>
  <form class="signout" method="post" action="/console/logout">
    ${csrfField(me.csrf)}
    <span>Signed in as <strong>${me.agent.name}</strong> (agent ${me.agent.agentId}${me.agent.isAdmin ? ', admin' : ''})</span>
    <button type="submit">Sign out</button>
  </form>`
      : ''
  }
</header>
<main id="main" tabindex="-1">
${flash ? html`<p class="flash flash-${flash.kind}" role="${flash.kind === 'error' ? 'alert' : 'status'}">${flash.kind === 'error' ? 'Error: ' : ''}${flash.text}</p>` : ''}
${body}
</main>
</body>
</html>
`;
}
