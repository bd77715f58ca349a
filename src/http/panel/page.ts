import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Router, type Response } from 'express';

const staticDir = join(dirname(fileURLToPath(import.meta.url)), 'static');
/** The panel's script and stylesheet, read once: the page carries no inline code. */
const STATIC: Record<string, { type: string; body: string }> = {
  'panel.js': { type: 'text/javascript', body: readFileSync(join(staticDir, 'panel.js'), 'utf8') },
  'panel.css': { type: 'text/css', body: readFileSync(join(staticDir, 'panel.css'), 'utf8') },
};

/**
 * The page itself is the same for everyone: the session comes in the URL's fragment (`#session=...`),
 * which the browser never sends to any server, and the script reads it, forgets it from the address
 * bar and calls /panel/api with it. The page's wording is in the script, in both languages.
 */
const PAGE = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>Emergency hotline</title>
<link rel="icon" href="data:,">
<link rel="stylesheet" href="/panel/static/panel.css">
<script src="/panel/static/panel.js" defer></script>
</head>
<body>
<main id="panel" aria-busy="true"><p class="loading">…</p></main>
</body>
</html>
`;

/**
 * The customer's emergency hotline panel at /panel, for the vendor's dashboard to frame: only pages of
 * HOTLINE_PANEL_ORIGINS (and the hotline's own) may frame it; nothing in it is cached.
 */
export function panelPageRouter(options: { origins: readonly string[] }): Router {
  const frameAncestors = ["'self'", ...options.origins].join(' ');
  const csp = [
    "default-src 'none'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data:",
    "connect-src 'self'",
    "base-uri 'none'",
    "form-action 'none'",
    `frame-ancestors ${frameAncestors}`,
  ].join('; ');
  const framable = (res: Response) => {
    // Framing is decided by frame-ancestors alone: X-Frame-Options cannot name several origins.
    res.removeHeader('X-Frame-Options');
    res.set('Content-Security-Policy', csp);
    res.set('Cache-Control', 'no-store');
  };
  const router = Router();
  router.get('/', (_req, res) => {
    framable(res);
    res.type('html').send(PAGE);
  });
  router.get('/static/:file', (req, res, next) => {
    const file = Object.hasOwn(STATIC, req.params.file) ? STATIC[req.params.file]! : undefined;
    if (!file) return next();
    res.set('Cache-Control', 'no-cache').type(file.type).send(file.body);
  });
  return router;
}
