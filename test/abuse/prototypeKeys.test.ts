import { afterEach, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from '../support/harness.js';
import { agentWithPassword, ConsoleClient } from '../console/support/consoleClient.js';

let h: Harness;
afterEach(async () => h?.close());

/** Names every plain object inherits: a lookup by request input must not find them. */
const INHERITED = ['__proto__', 'toString', 'valueOf', 'hasOwnProperty', 'constructor', 'isPrototypeOf'];
const errorsLogged = () => h.logs.records().filter((r) => (r.level as number) >= 50);

describe('a message name in the query that every object inherits', () => {
  it.each(INHERITED.flatMap((name) => [`done=${name}`, `error=${name}`]))(
    'GET /console/login?%s shows the plain sign-in page, with no message and nothing logged as an error',
    async (query) => {
      h = await startHarness();
      const page = await new ConsoleClient(h).get(`/console/login?${query}`);
      expect(page.status).toBe(200);
      expect(page.text).toContain('<label for="password">Password</label>');
      expect(page.text).not.toContain('class="flash');
      expect(page.text).not.toContain('[object');
      expect(errorsLogged()).toEqual([]);
    },
  );

  it('a signed-in agent’s dashboard ignores them too, and still shows a real message', async () => {
    h = await startHarness();
    const { agent, password } = await agentWithPassword(h);
    const c = new ConsoleClient(h);
    expect((await c.signIn(agent.agentId, password)).status).toBe(303);
    for (const name of INHERITED) {
      const dash = await c.get(`/console?done=${name}&ref=12`);
      expect(dash.status).toBe(200);
      expect(dash.text).toContain('Signed in as');
      expect(dash.text).not.toContain('class="flash');
    }
    const real = await c.get('/console?done=duty');
    expect(real.text).toContain('Your duty is updated.');
    expect(errorsLogged()).toEqual([]);
  });
});
