import { afterEach, beforeEach, expect, it } from 'vitest';
import { agentWithPassword, ConsoleClient } from '../console/support/consoleClient.js';
import type { Harness } from '../support/harness.js';
import { describePostgres } from '../support/postgres.js';
import { CallerLeg, startBalancer, startPair, type Balancer, type Pair } from './support.js';

const json = { accept: 'application/json' };

describePostgres('the console behind a load balancer over two instances', () => {
  let pair: Pair;
  let balancer: Balancer;
  let browser: ConsoleClient;
  beforeEach(async () => {
    pair = await startPair();
    balancer = await startBalancer([pair.h1.url, pair.h2.url]);
    // The browser knows the balancer's address only; each request goes to the next instance.
    browser = new ConsoleClient({ url: balancer.url } as Harness);
  });
  afterEach(async () => {
    await balancer.close();
    await pair.close();
  });

  it('a session started at one instance is honoured at the other, its forms and sign-out included', async () => {
    const { agent, password } = await agentWithPassword(pair.h1, { name: 'Aiko Tanaka' });
    balancer.served.length = 0;
    expect((await browser.signIn(agent.agentId, password)).status).toBe(303);
    for (let i = 0; i < 4; i++) {
      const page = await browser.get('/console');
      expect(page.status).toBe(200);
      expect(page.text).toContain('Aiko Tanaka');
    }
    // A form read at one instance is posted, with its token, to the other.
    expect((await browser.postForm('/console/duty', { duty: 'off' })).status).toBe(303);
    expect((await pair.h2.hotline.store.agents.get(agent.agentId))?.onDuty).toBe(false);
    expect(new Set(balancer.served.map((s) => s.instance))).toEqual(new Set([0, 1]));
    await browser.postForm('/console/logout');
    for (let i = 0; i < 2; i++) expect((await browser.request('GET', '/console/live', undefined, json)).status).toBe(401);
  });

  it("the live view shows the line as it is, whichever instance answers: a call arriving at one is seen from both", async () => {
    const { agent, password } = await agentWithPassword(pair.h2);
    await browser.signIn(agent.agentId, password);
    const live = async () => {
      const page = await browser.request('GET', '/console/live', undefined, json);
      expect(page.status).toBe(200);
      return JSON.parse(page.text) as { summary: string };
    };
    for (let i = 0; i < 2; i++) expect((await live()).summary).toContain('0 live calls');
    await new CallerLeg().incoming(pair.h1);
    await new CallerLeg('+14155550101').incoming(pair.h2);
    for (let i = 0; i < 2; i++) expect((await live()).summary).toContain('2 live calls');
  });
});
