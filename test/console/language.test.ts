import { afterEach, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from '../support/harness.js';
import { agentWithPassword, ConsoleClient } from './support/consoleClient.js';
import { p2Call } from './support/twilio.js';

const langOf = (text: string) => /<html lang="([a-z]+)">/.exec(text)?.[1];
/** The page's visible text, without markup or the catalogue the script reads. */
const words = (text: string) => text.replace(/data-messages="[^"]*"/, '').replace(/<[^>]+>/g, ' ');

describe('the console language', () => {
  let h: Harness | undefined;
  afterEach(async () => {
    await h?.close();
  });

  it('starts in the first language of an agent who speaks Japanese, else in the browser’s, else in English', async () => {
    h = await startHarness();
    const japaneseFirst = await agentWithPassword(h, { name: 'Haruto Sato', languages: ['ja-JP', 'en-US'], password: 'haruto password 1' });
    const englishFirst = await agentWithPassword(h, { name: 'Mia Chen', languages: ['en-US', 'ja-JP'], password: 'mia password 12' });
    const englishOnly = await agentWithPassword(h, { name: 'Ben Okafor', languages: ['en-US'], password: 'ben password 12' });
    const dashboard = async (who: { agent: { agentId: number }; password: string }, acceptLanguage?: string) => {
      const c = new ConsoleClient(h!);
      const headers: Record<string, string> = acceptLanguage ? { 'accept-language': acceptLanguage } : {};
      const login = await c.request('GET', '/console/login', undefined, headers);
      await c.request('POST', '/console/login', { _csrf: ConsoleClient.csrf(login), agentId: String(who.agent.agentId), password: who.password }, headers);
      return (await c.request('GET', '/console', undefined, headers)).text;
    };
    // Haruto speaks Japanese first: Japanese, whatever the browser says.
    expect(langOf(await dashboard(japaneseFirst, 'en-US,en;q=0.9'))).toBe('ja');
    // Mia speaks Japanese too, English first: English, even in a Japanese browser.
    expect(langOf(await dashboard(englishFirst, 'ja-JP,ja;q=0.9'))).toBe('en');
    // Ben speaks no Japanese: the browser decides, by its order of preference; English when it names neither.
    expect(langOf(await dashboard(englishOnly, 'fr-FR,ja;q=0.8,en;q=0.5'))).toBe('ja');
    expect(langOf(await dashboard(englishOnly, 'en;q=0.4,ja;q=0.9'))).toBe('ja');
    expect(langOf(await dashboard(englishOnly, 'de-DE'))).toBe('en');
    expect(langOf(await dashboard(englishOnly))).toBe('en');
    // Before sign-in: the browser's language, or the one the sign-in page's switch asked for.
    const anonymous = new ConsoleClient(h);
    const ja = await anonymous.request('GET', '/console/login', undefined, { 'accept-language': 'ja' });
    expect(langOf(ja.text)).toBe('ja');
    expect(ja.text).toContain('エージェント番号');
    expect(ja.text).toContain('<a href="/console/login?lang=en" lang="en" hreflang="en">English</a>');
    expect(langOf((await anonymous.get('/console/login?lang=ja')).text)).toBe('ja');
  });

  it('shows the callback, Complete and admin pages and their errors in Japanese, with dates written the Japanese way', async () => {
    h = await startHarness();
    const customer = await h.hotline.customers.create({ name: 'Acme Corp', plan: 'enterprise', tier: 'standard' });
    const { agent, password } = await agentWithPassword(h, { isAdmin: true });
    const callback = (await h.hotline.store.callbacks.byCallSid(await p2Call(h, customer.customerId)))!;
    const c = new ConsoleClient(h);
    await c.signIn(agent.agentId, password);
    const chose = await c.postForm('/console/language', { language: 'ja' });
    expect(chose.status).toBe(303);
    expect((await h.hotline.store.agents.get(agent.agentId))?.consoleLanguage).toBe('ja');

    const page = await c.get(`/console/callbacks/${callback.callbackId}`);
    expect(langOf(page.text)).toBe('ja');
    expect(page.text).toContain(`<h1>折り返し ${callback.reference}</h1>`);
    expect(page.text).toContain('期限内');
    expect(page.text).toContain('P2：お客様が折り返しを選択');
    const due = new Date(callback.dueAt);
    expect(page.text).toContain(`期限 ${due.getUTCFullYear()}年${due.getUTCMonth() + 1}月${due.getUTCDate()}日 ${due.toISOString().slice(11, 16)} (UTC)`);
    expect(page.text).toMatch(/残り(4時間00分|3時間59分)/);

    const complete = await c.get(`/console/callbacks/${callback.callbackId}/complete`);
    expect(complete.text).toContain(`折り返し ${callback.reference} の結果を選んでください`);
    expect(complete.text).toContain('お客様と話せた');
    // Complete without an outcome: the error page is in Japanese too.
    const refused = await c.postForm(`/console/callbacks/${callback.callbackId}/complete`, { back: '/console' });
    expect(refused.status).toBe(400);
    expect(refused.text).toContain('折り返しの結果（お客様と話せた／連絡がつかなかった／重複）を選んでください。');
    const done = await c.postForm(`/console/callbacks/${callback.callbackId}/complete`, { back: '/console', outcome: 'reached' });
    expect((await c.get(done.location!)).text).toContain(`折り返し ${callback.reference} を完了にしました。`);

    const agents = await c.get('/console/agents');
    expect(agents.text).toContain('<h1>エージェント</h1>');
    const bad = await c.postForm('/console/agents', { name: 'Ben', phone: '555-0100', languages: 'en-US', duty: 'on' });
    expect(bad.status).toBe(400);
    expect(bad.text).toContain('電話番号は +14155550100 のような E.164 形式で入力してください');
    // No English sentence left on the Japanese dashboard (names, codes and numbers aside).
    const dashboard = words((await c.get('/console')).text);
    expect(dashboard).not.toMatch(/\b(Dashboard|Sign out|Callbacks|Live calls|Nobody|waiting|Claimed|Completed|Reached|Updated)\b/);
  });

  it('refuses a language it does not speak and keeps the agent’s choice as it was', async () => {
    h = await startHarness();
    const { agent, password } = await agentWithPassword(h);
    const c = new ConsoleClient(h);
    await c.signIn(agent.agentId, password);
    const res = await c.postForm('/console/language', { language: 'fr' });
    expect(res.status).toBe(400);
    expect(res.text).toContain('Choose English or Japanese.');
    expect((await h.hotline.store.agents.get(agent.agentId))?.consoleLanguage).toBeNull();
  });
});
