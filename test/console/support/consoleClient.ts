import { randomBytes, scrypt, type ScryptOptions } from 'node:crypto';
import { hashPassword } from '../../../src/console/passwords.js';
import type { StoredPassword } from '../../../src/db/credentialRepository.js';
import type { Harness } from '../../support/harness.js';

/**
 * A password stored at twice the usual scrypt cost (the cost is kept with each hash, as after a raise):
 * checking it takes long enough for a test to act while a sign-in is still being checked.
 */
export function slowHash(password: string): Promise<StoredPassword> {
  const salt = randomBytes(16);
  const cost = { N: 2 ** 16, r: 8, p: 1 };
  const options: ScryptOptions = { ...cost, maxmem: 256 * cost.N * cost.r + 1024 * 1024 };
  return new Promise((resolve, reject) =>
    scrypt(password.normalize('NFKC'), salt, 32, options, (err, hash) => (err ? reject(err) : resolve({ hash, salt, params: JSON.stringify(cost) }))),
  );
}

/** An agent with a console password, made through the repositories the CLI uses. */
export async function agentWithPassword(
  h: Harness,
  options: { name?: string; password?: string; isAdmin?: boolean; onDuty?: boolean } = {},
) {
  const now = h.clock.now();
  const agent = h.hotline.repos.agents.create(
    { name: options.name ?? 'Aiko Tanaka', phone: '+81312345678', languages: ['ja-JP', 'en-US'], onDuty: options.onDuty ?? true, isAdmin: options.isAdmin ?? false },
    now,
  );
  const password = options.password ?? 'correct horse battery staple';
  h.hotline.repos.credentials.setPassword(agent.agentId, await hashPassword(password), now);
  return { agent, password };
}

export interface Page {
  status: number;
  headers: Headers;
  text: string;
  location: string | null;
}

/** A browser-like client without a browser: keeps cookies, never follows redirects, reads CSRF tokens off pages. */
export class ConsoleClient {
  private cookies = new Map<string, string>();
  constructor(private readonly h: Harness) {}

  get cookieHeader(): string {
    return [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
  }

  async request(method: string, path: string, form?: Record<string, string>, headers: Record<string, string> = {}): Promise<Page> {
    const res = await fetch(`${this.h.url}${path}`, {
      method,
      redirect: 'manual',
      headers: {
        accept: 'text/html',
        ...(this.cookies.size && { cookie: this.cookieHeader }),
        ...(form && { 'content-type': 'application/x-www-form-urlencoded', origin: this.h.url }),
        ...headers,
      },
      ...(form && { body: new URLSearchParams(form).toString() }),
    });
    for (const line of res.headers.getSetCookie()) {
      const [pair] = line.split(';');
      const eq = pair!.indexOf('=');
      const name = pair!.slice(0, eq);
      const value = pair!.slice(eq + 1);
      if (/Max-Age=0/.test(line)) this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
    return { status: res.status, headers: res.headers, text: await res.text(), location: res.headers.get('location') };
  }

  get = (path: string) => this.request('GET', path);
  post = (path: string, form: Record<string, string>, headers?: Record<string, string>) => this.request('POST', path, form, headers);

  /** The CSRF token in a page's forms. */
  static csrf(page: Page): string {
    const m = /name="_csrf" value="([^"]+)"/.exec(page.text);
    if (!m) throw new Error('no CSRF token on the page');
    return m[1]!;
  }

  async signIn(agentId: number, password: string): Promise<Page> {
    const login = await this.get('/console/login');
    return this.post('/console/login', { _csrf: ConsoleClient.csrf(login), agentId: String(agentId), password });
  }

  /** Posts a form of the dashboard with the session's token. */
  async postForm(path: string, form: Record<string, string> = {}): Promise<Page> {
    const csrf = ConsoleClient.csrf(await this.get('/console'));
    return this.post(path, { _csrf: csrf, ...form });
  }
}
