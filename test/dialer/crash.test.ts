import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  addAgent,
  addCustomer,
  agentAccepts,
  callbackInApi,
  customerLeg,
  eventually,
  scheduleCallback,
  startDialerHarness,
  type DialerHarness,
} from './support.js';
import { WorkerProcess } from './workerProcess.js';

/**
 * kill -9 of `npm run worker` at the two dangerous moments. The worker runs as its own process over
 * the test server's database with a 2-second lease; the test server keeps answering the webhooks.
 */
describe('callback dialer: a worker killed with SIGKILL', { timeout: 60_000 }, () => {
  let d: DialerHarness;
  const workers: WorkerProcess[] = [];
  beforeEach(async () => {
    // The worker processes read the system clock: the server's clock starts at the same instant.
    d = await startDialerHarness({ now: Date.now() });
  });
  afterEach(async () => {
    await Promise.all(workers.splice(0).map((w) => w.stop()));
    await d.close();
  });

  function startWorker() {
    const worker = new WorkerProcess(d.h, d.twilio);
    workers.push(worker);
    return worker;
  }

  async function setUp() {
    const { customerId } = await addCustomer(d.h);
    await addAgent(d.h);
    return scheduleCallback(d.h, customerId);
  }

  /** Plays the rest of the callback through and checks it completed with exactly one call to the agent. */
  async function finishAndCheck(callbackId: number) {
    const { twilio } = d;
    expect(twilio.apiCalls).toHaveLength(1);
    const call = twilio.apiCalls[0]!;
    const { order } = await agentAccepts(twilio, call);
    await customerLeg(twilio, call, order!, 'answers');
    expect(await callbackInApi(d.h, callbackId)).toMatchObject({ status: 'completed', attempts: 0 });
    // Several more polls and lease periods: nothing is dialed again.
    await new Promise((r) => setTimeout(r, 1200));
    expect(twilio.apiCalls).toHaveLength(1);
    expect((await callbackInApi(d.h, callbackId)).status).toBe('completed');
  }

  it('between claim and call: a restarted worker takes the expired lease over and dials once', async () => {
    const callback = await setUp();
    // Twilio may have created the call the killed worker asked for, so the agent it offered the callback
    // to is held like any agent just offered a call; with this test's 2 s lease the restarted worker rings
    // the other agent (the default lease, 120 s, outlasts the hold).
    const other = await addAgent(d.h);
    const held = d.twilio.holdNextCall();
    const first = startWorker();

    const request = await held;
    expect(request.request.params.To).toMatch(/^\+1415555/);
    expect((await callbackInApi(d.h, callback.callbackId)).status).toBe('dialing');
    expect(await d.h.hotline.callbackDialing.repository.legs(callback.callbackId)).toMatchObject([{ status: 'requested', callSid: null }]);
    await first.kill9();
    await request.abandoned;
    expect(d.twilio.apiCalls).toHaveLength(0);

    const second = startWorker();
    await d.twilio.waitFor(() => d.twilio.apiCalls.length === 1, 'the restarted worker to dial', 15_000);
    expect(d.twilio.apiCalls[0]!.to).toBe(other.phone);
    expect(request.request.params.To).not.toBe(other.phone);
    expect(second.logged('callback taken over from a worker whose lease expired')).toBe(true);
    expect(d.twilio.requestsOf('calls.create').map((r) => r.answered)).toEqual([-1, 201]);
    const repository = d.h.hotline.callbackDialing.repository;
    await eventually(async () => (await repository.legs(callback.callbackId))[1]?.callSid, 'the new call to be recorded');
    expect((await repository.legs(callback.callbackId)).map((l) => l.status)).toEqual(['abandoned', 'queued']);

    await finishAndCheck(callback.callbackId);
  });

  it('between call and status: a restarted worker asks Twilio how the call stands instead of dialing again', async () => {
    const callback = await setUp();
    const first = startWorker();
    const repository = d.h.hotline.callbackDialing.repository;
    await eventually(async () => (await repository.legs(callback.callbackId))[0]?.callSid, 'the call to be recorded', 15_000);
    await first.kill9();

    const second = startWorker();
    await d.twilio.waitFor(() => d.twilio.requestsOf('calls.fetch').length > 0, 'the restarted worker to check the call', 15_000);
    expect(d.twilio.requestsOf('calls.fetch')[0]!.path).toContain(d.twilio.apiCalls[0]!.sid);
    expect(d.twilio.requestsOf('calls.create')).toHaveLength(1);
    expect(second.logged('callback taken over')).toBe(false);

    await finishAndCheck(callback.callbackId);
  });

  it('after Twilio created the call but before the worker heard: the status callback names the leg, and it is not dialed again', async () => {
    const callback = await setUp();
    const held = d.twilio.holdNextCall({ create: true });
    const first = startWorker();
    const { call } = await held;
    await d.twilio.sendStatus(call!, 'initiated');
    await first.kill9();

    startWorker();
    await d.twilio.waitFor(() => d.twilio.requestsOf('calls.fetch').length > 0, 'the restarted worker to check the call', 15_000);
    expect(d.twilio.requestsOf('calls.create')).toHaveLength(1);
    expect(await d.h.hotline.callbackDialing.repository.legs(callback.callbackId)).toMatchObject([{ callSid: call!.sid }]);

    await finishAndCheck(callback.callbackId);
  });
});
