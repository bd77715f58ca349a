import { randomBytes, scrypt, type ScryptOptions } from 'node:crypto';
import { request as httpRequest } from 'node:http';
import { hashPassword } from '../../../src/console/passwords.js';
import type { StoredPassword } from '../../../src/domain/storage/credentials.js';
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

/** An agent with a console password, made through the store the CLI uses. */
export async function agentWithPassword(
  h: Harness,
  options: { name?: string; password?: string; isAdmin?: boolean; onDuty?: boolean; languages?: string[] } = {},
) {
  const now = h.clock.now();
  const agent = await h.hotline.store.agents.create(
    { name: options.name ?? 'Aiko Tanaka', phone: '+81312345678', languages: options.languages ?? ['en-US', 'ja-JP'], onDuty: options.onDuty ?? true, isAdmin: options.isAdmin ?? false },
    now,
  );
  const password = options.password ?? 'correct horse battery staple';
  await h.hotline.store.credentials.setPassword(agent.agentId, await hashPassword(password), now);
  return { agent, password };
}

export interface Page {
  status: number;
  headers: Headers;
  text: string;
  location: string | null;
}

/**
 * An HTTP request whose TCP connection leaves from `localAddress` (Linux routes all of 127/8 to the
 * loopback), so the server sees that client address; fetch cannot choose it.
 */
function requestFrom(localAddress: string, url: string, init: { method: string; headers: Record<string, string>; body?: string }) {
  return new Promise<{ status: number; headers: Headers; text: string }>((resolve, reject) => {
    const req = httpRequest(url, { method: init.method, headers: init.headers, localAddress, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const headers = new Headers();
        for (const [name, value] of Object.entries(res.headers)) {
          for (const v of Array.isArray(value) ? value : value === undefined ? [] : [value]) headers.append(name, v);
        }
        resolve({ status: res.statusCode!, headers, text: Buffer.concat(chunks).toString('utf8') });
      });
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(init.body);
  });
}

/** A browser-like client without a browser: keeps cookies, never follows redirects, reads CSRF tokens off pages. */
export class ConsoleClient {
  private cookies = new Map<string, string>();
  /** `from`: the client address to connect from (127.0.0.2, 127.0.0.3, ...); the default is 127.0.0.1. */
  constructor(
    private readonly h: Harness,
    private readonly options: { from?: string } = {},
  ) {}

  /** A cookie the server set, by name. */
  cookie(name: string): string | undefined {
    return this.cookies.get(name);
  }

  /** The same browser (its cookies) on another network: connecting from `from`. */
  movedTo(from: string): ConsoleClient {
    const moved = new ConsoleClient(this.h, { from });
    for (const [name, value] of this.cookies) moved.cookies.set(name, value);
    return moved;
  }

  /** Forgets a cookie, as a browser does when it expires. */
  forget(name: string): void {
    this.cookies.delete(name);
  }

  get cookieHeader(): string {
    return [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
  }

  async request(method: string, path: string, form?: Record<string, string>, headers: Record<string, string> = {}): Promise<Page> {
    const init = {
      method,
      headers: {
        accept: 'text/html',
        ...(this.cookies.size && { cookie: this.cookieHeader }),
        ...(form && { 'content-type': 'application/x-www-form-urlencoded', origin: this.h.url }),
        ...headers,
      },
      ...(form && { body: new URLSearchParams(form).toString() }),
    };
    const res = this.options.from
      ? await requestFrom(this.options.from, `${this.h.url}${path}`, init)
      : await fetch(`${this.h.url}${path}`, { ...init, redirect: 'manual' }).then(async (r) => ({ status: r.status, headers: r.headers, text: await r.text() }));
    for (const line of res.headers.getSetCookie()) {
      const [pair] = line.split(';');
      const eq = pair!.indexOf('=');
      const name = pair!.slice(0, eq);
      const value = pair!.slice(eq + 1);
      if (/Max-Age=0/.test(line)) this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
    return { status: res.status, headers: res.headers, text: res.text, location: res.headers.get('location') };
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
