import { afterEach, describe, expect, it } from 'vitest';
import type { CallbackDialer } from '../../src/dialer/dialer.js';
import { startHarness, TEST_ACCOUNT_SID, TEST_AUTH_TOKEN, type Harness } from '../support/harness.js';
import { describePostgres } from '../support/postgres.js';
import { startTwilioStandIn, type TwilioStandIn } from '../support/twilioStandIn.js';
import {
  addAgent,
  addCustomer,
  agentAccepts,
  CALLER_ID,
  callbackInApi,
  callbackOf,
  customerLeg,
  eventually,
  MINUTE,
  scheduleCallback,
} from '../dialer/support.js';
import { WorkerProcess } from '../dialer/workerProcess.js';
import { startPair, type Pair } from './support.js';

describePostgres('callback dialers in two instances over one PostgreSQL database', () => describe('callback dialers in two instances over one PostgreSQL database', { timeout: 60_000 }, () => {
  let twilio: TwilioStandIn;
  let pair: Pair | undefined;
  let h: Harness | undefined;
  const dialers: CallbackDialer[] = [];
  const workers: WorkerProcess[] = [];
  afterEach(async () => {
    await Promise.all(workers.splice(0).map((w) => w.stop()));
    await Promise.all(dialers.splice(0).map((d) => d.stop()));
    for (const instance of pair?.both ?? [h!]) {
      await instance.hotline.callbackDialing.confirmations.idle();
      await instance.hotline.callbackDialing.escalations.idle();
    }
    await pair?.close();
    await h?.close();
    pair = undefined;
    h = undefined;
    await twilio.close();
  });

  async function startInstances(): Promise<Pair> {
    twilio = await startTwilioStandIn({ accountSid: TEST_ACCOUNT_SID, authToken: TEST_AUTH_TOKEN });
    pair = await startPair({ HOTLINE_TWILIO_API_URL: twilio.url, HOTLINE_CALLER_ID: CALLER_ID });
    return pair;
  }

  it('never ring one agent for two callbacks nor dial one callback twice, racing round after round', async () => {
    const { h1, h2 } = await startInstances();
    const agents = [await addAgent(h1), await addAgent(h2), await addAgent(h1)];
    const { customerId } = await addCustomer(h2);
    const callbacks = [];
    for (let i = 0; i < 6; i++) callbacks.push(await scheduleCallback(i % 2 ? h1 : h2, customerId, { dueInMs: (100 + 10 * i) * MINUTE }));
    const workers = [h1, h2, h1, h2].map((instance, i) => instance.hotline.callbackDialing.createWorker({ owner: `instance-${i}` }));
    dialers.push(...workers);
    for (let round = 0; round < 4; round++) await Promise.all(workers.map((w) => w.tick()));

    const rung = twilio.apiCalls.map((c) => c.to);
    expect(rung.sort(), 'each agent rung once: none was freed').toEqual(agents.map((a) => a.phone).sort());
    const dialed = twilio.apiCalls.map(callbackOf);
    expect(new Set(dialed).size, 'no callback dialed twice').toBe(dialed.length);
    // One callback per agent. Which three depends on which round reserved an agent first: rounds claimed
    // at the same moment in four workers race for the same first free agent, and a round that loses
    // hands its callback back, untried, for the next tick.
    expect(dialed).toHaveLength(agents.length);
    const ids = callbacks.map((c) => c.callbackId);
    for (const id of dialed) expect(ids).toContain(id);
    for (const id of ids.filter((id) => !dialed.includes(id))) {
      expect(await callbackInApi(h2, id)).toMatchObject({ status: 'pending', attempts: 0 });
    }
  });

  it("a killed instance's claim is taken over by the other when its lease ends, and the callback is dialed once", async () => {
    twilio = await startTwilioStandIn({ accountSid: TEST_ACCOUNT_SID, authToken: TEST_AUTH_TOKEN });
    // The worker processes read the system clock: the server's clock starts at the same instant.
    h = await startHarness({ engine: 'postgres', now: Date.now(), env: { HOTLINE_TWILIO_API_URL: twilio.url, HOTLINE_CALLER_ID: CALLER_ID } });
    const instance = () => {
      const worker = new WorkerProcess(h!, twilio, {
        HOTLINE_DATABASE_URL: h!.databaseUrl!,
        HOTLINE_SECRET_KEY: h!.config.secretKeys.current.toString('base64'),
      });
      workers.push(worker);
      return worker;
    };
    const { customerId } = await addCustomer(h);
    await addAgent(h);
    const callback = await scheduleCallback(h, customerId);
    // The agent the killed instance offered the callback to is held like any agent just offered a call:
    // the other instance rings the second agent.
    const other = await addAgent(h);
    const held = twilio.holdNextCall();
    const first = instance();
    const request = await held;
    expect((await callbackInApi(h, callback.callbackId)).status).toBe('dialing');
    await first.kill9();
    await request.abandoned;
    expect(twilio.apiCalls).toHaveLength(0);

    const second = instance();
    await twilio.waitFor(() => twilio.apiCalls.length === 1, 'the other instance to dial', 15_000);
    expect(twilio.apiCalls[0]!.to).toBe(other.phone);
    expect(second.logged('callback taken over from a worker whose lease expired')).toBe(true);
    const repository = h.hotline.callbackDialing.repository;
    await eventually(async () => (await repository.legs(callback.callbackId))[1]?.callSid, 'the new call to be recorded', 10_000);
    expect((await repository.legs(callback.callbackId)).map((l) => l.status)).toEqual(['abandoned', 'queued']);

    const call = twilio.apiCalls[0]!;
    const { order } = await agentAccepts(twilio, call);
    await customerLeg(twilio, call, order!, 'answers');
    expect(await callbackInApi(h, callback.callbackId)).toMatchObject({ status: 'completed', attempts: 0 });
    await new Promise((r) => setTimeout(r, 1200));
    expect(twilio.apiCalls).toHaveLength(1);
  });
}));
