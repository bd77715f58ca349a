import type { Request, Response } from 'express';

/** The cookies a request carries (no dependency: the console sets only two). */
export function readCookies(req: Request): Map<string, string> {
  const out = new Map<string, string>();
  for (const part of (req.headers.cookie ?? '').split(';')) {
    const eq = part.indexOf('=');
    if (eq < 1) continue;
    const name = part.slice(0, eq).trim();
    if (!out.has(name)) out.set(name, part.slice(eq + 1).trim());
  }
  return out;
}

/** Cookie settings: HttpOnly, SameSite=Strict, and Secure with the __Host- prefix when served over https. */
export function cookieJar(secure: boolean) {
  const name = (base: string) => (secure ? `__Host-${base}` : base);
  const attributes = (maxAgeSeconds: number) =>
    ['Path=/', 'HttpOnly', 'SameSite=Strict', ...(secure ? ['Secure'] : []), `Max-Age=${maxAgeSeconds}`].join('; ');
  return {
    name,
    set(res: Response, base: string, value: string, maxAgeSeconds: number) {
      res.append('Set-Cookie', `${name(base)}=${value}; ${attributes(maxAgeSeconds)}`);
    },
    clear(res: Response, base: string) {
      res.append('Set-Cookie', `${name(base)}=; ${attributes(0)}`);
    },
    get(req: Request, base: string): string | undefined {
      return readCookies(req).get(name(base));
    },
  };
}
