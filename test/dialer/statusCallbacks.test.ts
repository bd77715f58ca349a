import { afterEach, beforeEach, expect, it } from 'vitest';
import { closeDatabase, migrate, openDatabase } from '../../src/db/database.js';
import { spokenText, verbsOf } from '../support/twilioStandIn.js';
import {
  addAgent,
  addCustomer,
  agentAccepts,
  callbackInApi,
  scheduleCallback,
  startDialerHarness,
  type DialerHarness,
} from './support.js';
import { describeEngines } from '../support/postgres.js';

describeEngines('callback dialer: status callbacks', (engine) => {
  let d: DialerHarness;
  beforeEach(async () => {
    d = await startDialerHarness({ engine });
  });
  afterEach(async () => d.close());

  /** A callback whose agent accepted: the customer's leg is about to ring. */
  async function acceptedRound() {
    const { h, twilio } = d;
    const { customerId } = await addCustomer(h);
    await addAgent(h);
    const callback = await scheduleCallback(h, customerId);
    await d.worker.tick();
    const agentCall = twilio.apiCalls[0]!;
    const { order } = await agentAccepts(twilio, agentCall);
    const child = twilio.dialChild(agentCall, order!);
    return { callback, agentCall, order: order!, child };
  }

  /** The customer's leg answers and the customer presses a key on its gate. */
  async function customerPresses(child: Awaited<ReturnType<typeof acceptedRound>>['child']) {
    const gate = verbsOf(await d.twilio.answer(child)).find((v) => v.name === 'Gather');
    return d.twilio.press(child, gate!, '#');
  }

  it('moves a callback dialing -> connected -> completed as the customer answers, presses a key and hangs up', async () => {
    const { h, twilio } = d;
    const { callback, child } = await acceptedRound();
    expect((await callbackInApi(h, callback.callbackId)).status).toBe('dialing');

    await twilio.sendStatus(child, 'initiated');
    await twilio.sendStatus(child, 'ringing');
    expect((await callbackInApi(h, callback.callbackId)).status).toBe('dialing');
    await twilio.sendStatus(child, 'in-progress');
    expect((await callbackInApi(h, callback.callbackId)).status, 'answered, but no key yet: perhaps a voicemail').toBe('dialing');
    h.clock.advance(9_000);
    await customerPresses(child);
    const connected = await callbackInApi(h, callback.callbackId);
    expect(connected).toMatchObject({ status: 'connected', connectedAt: new Date(h.clock.now()).toISOString() });
    await twilio.sendStatus(child, 'completed');
    expect((await callbackInApi(h, callback.callbackId)).status).toBe('completed');
  });

  it('connects nothing when the customer presses a key after the engineer left, and says so', async () => {
    const { h, twilio } = d;
    const { callback, child } = await acceptedRound();
    await twilio.sendStatus(child, 'in-progress');
    const gate = verbsOf(await twilio.answer(child)).find((v) => v.name === 'Gather')!;
    // The leg ends (the engineer hung up, Twilio ended the Dial) before the key's webhook is handled.
    await twilio.sendStatus(child, 'completed', { duration: 3 });

    const late = await twilio.press(child, gate, '1');
    expect(spokenText(late)).toContain('the engineer is no longer on the line');
    expect(verbsOf(late).some((v) => v.name === 'Hangup')).toBe(true);
    expect(await callbackInApi(h, callback.callbackId)).toMatchObject({ status: 'pending', attempts: 1, connectedAt: null });
  });

  it("connects nothing when the engineer's leg ended before the customer's key was handled, and counts the try", async () => {
    const { h, twilio } = d;
    const { callback, agentCall, child } = await acceptedRound();
    await twilio.sendStatus(child, 'in-progress');
    const gate = verbsOf(await twilio.answer(child)).find((v) => v.name === 'Gather')!;
    // The engineer hangs up during the announcement; that leg's status callback is handled before the key's webhook.
    await twilio.sendStatus(agentCall, 'completed');

    const late = await twilio.press(child, gate, '5');
    expect(spokenText(late)).toContain('the engineer is no longer on the line');
    expect(spokenText(late)).not.toContain('Connecting you now');
    expect(verbsOf(late).some((v) => v.name === 'Hangup')).toBe(true);
    expect(await callbackInApi(h, callback.callbackId)).toMatchObject({ status: 'dialing', connectedAt: null });

    await twilio.sendStatus(child, 'completed', { duration: 20 });
    expect(await callbackInApi(h, callback.callbackId)).toMatchObject({ status: 'pending', attempts: 1, connectedAt: null });
  });

  // SQLite only: it replays SQLite's migration 011 over a live leg; PostgreSQL's schema began after that change.
  it.runIf(engine === 'sqlite')('completes a callback whose customer was talking when the key gate arrived (the upgrade), rather than calling again', async () => {
    const { h, twilio } = d;
    const { callback, child } = await acceptedRound();
    await twilio.sendStatus(child, 'in-progress');
    // The server is upgraded while this customer talks to the agent: the migration runs over the live leg.
    const db = openDatabase(h.config.dbPath);
    try {
      db.prepare("DELETE FROM schema_migrations WHERE name = '011_answered_legs_before_the_key.sql'").run();
      expect(migrate(db)).toEqual(['011_answered_legs_before_the_key.sql']);
    } finally {
      closeDatabase(db);
    }
    await twilio.sendStatus(child, 'completed', { duration: 300 });
    expect(await callbackInApi(h, callback.callbackId)).toMatchObject({ status: 'completed', attempts: 0 });
  });

  it('answers a repeated status callback and changes nothing the second time', async () => {
    const { h, twilio } = d;
    const { callback, agentCall, order, child } = await acceptedRound();
    await twilio.sendStatus(child, 'no-answer', { sequenceNumber: 2 });
    const repeat = await twilio.sendStatus(child, 'no-answer', { sequenceNumber: 2 });
    // Twilio's Dial action reports the same end of the same leg: counted once too.
    await twilio.action(agentCall, order.action!, { DialCallStatus: 'no-answer', DialCallSid: child.sid });

    expect(repeat.status).toBe(200);
    expect(await callbackInApi(h, callback.callbackId)).toMatchObject({ status: 'pending', attempts: 1 });
    expect(h.logs.text).toContain('callback status callback repeated');
  });

  it('never moves a callback back when statuses arrive out of order', async () => {
    const { h, twilio } = d;
    const { callback, child } = await acceptedRound();
    await customerPresses(child);
    await twilio.sendStatus(child, 'completed', { sequenceNumber: 3 });
    await twilio.sendStatus(child, 'in-progress', { sequenceNumber: 2 });
    await twilio.sendStatus(child, 'ringing', { sequenceNumber: 1 });
    await twilio.sendStatus(child, 'initiated', { sequenceNumber: 0 });

    expect(await callbackInApi(h, callback.callbackId)).toMatchObject({ status: 'completed', attempts: 0 });
    const leg = (await h.hotline.callbackDialing.repository.legs(callback.callbackId)).find((l) => l.kind === 'customer')!;
    expect(leg).toMatchObject({ status: 'completed', callSid: child.sid, sequenceNumber: 3 });
  });

  it('keeps a completed agent leg final when an earlier status of it arrives late', async () => {
    const { h, twilio } = d;
    const { customerId } = await addCustomer(h);
    await addAgent(h);
    const callback = await scheduleCallback(h, customerId);
    await d.worker.tick();
    const call = twilio.apiCalls[0]!;

    await twilio.sendStatus(call, 'no-answer', { sequenceNumber: 2 });
    await twilio.sendStatus(call, 'ringing', { sequenceNumber: 1 });
    await twilio.sendStatus(call, 'no-answer', { sequenceNumber: 2 });

    expect(await callbackInApi(h, callback.callbackId)).toMatchObject({ status: 'pending', attempts: 0, lastError: 'no agent accepted' });
    const [leg] = await h.hotline.callbackDialing.repository.legs(callback.callbackId);
    expect(leg).toMatchObject({ status: 'no-answer', sequenceNumber: 2 });
  });

  it('refuses status callbacks that are not signed by Twilio, or name a leg of another callback', async () => {
    const { h, twilio } = d;
    const { callback, child } = await acceptedRound();
    const url = child.statusCallback!;
    const unsigned = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ CallSid: child.sid, CallStatus: 'completed' }).toString(),
    });
    expect(unsigned.status).toBe(400);
    const forged = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-twilio-signature': 'bm90IGEgc2lnbmF0dXJl' },
      body: new URLSearchParams({ CallSid: child.sid, CallStatus: 'completed' }).toString(),
    });
    expect(forged.status).toBe(403);
    const otherCallback = url.replace(`callback=${callback.callbackId}`, `callback=${callback.callbackId + 1}`);
    const misdirected = await twilio.webhook(otherCallback, { ...twilio.callParams(child, 'completed'), SequenceNumber: '3' });
    expect(misdirected.status).toBe(200);
    expect((await callbackInApi(h, callback.callbackId)).status).toBe('dialing');
  });
});
