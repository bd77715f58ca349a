import { afterEach, expect, it } from 'vitest';
import { luhnCheckDigit } from '../../src/domain/customerId.js';
import { CALLER_LIMIT } from '../../src/domain/serviceNumbers.js';
import { addCustomer, dashboardCode, placeCall } from '../support/calls.js';
import { api, startHarness, type Harness } from '../support/harness.js';
import { describeEngines } from '../support/postgres.js';

// A caller refused by a lock or a number limit is never left alone: a person verifies them another way.
const UNAVAILABLE = 'Automatic verification is not available for this call right now.';
const DESK = '+15555550111';
const ON_FILE = '+14155550177';

/** A wrong code for a right one: the same digits shifted by one. */
const wrong = (code: string) => code.replace(/^./, (d) => String((Number(d) + 1) % 10));
const guessedId = (n: number) => {
  const body = String(710000000 + n);
  return `${body}${luhnCheckDigit(body)}`;
};

async function lockId(h: Harness, id: string) {
  const bad = wrong(await dashboardCode(h, id));
  await placeCall(h, [`${id}#`, bad, `${id}#`, bad, `${id}#`, bad], { from: '+14155550601' });
  await placeCall(h, [`${id}#`, bad, `${id}#`, bad], { from: '+14155550602' });
  expect((await h.hotline.store.verification.failureState(id)).lockedUntil).not.toBeNull();
}

describeEngines('callers refused by a lock or a number limit', (engine) => {
  let h: Harness;
  afterEach(async () => h.close());

  it('a locked ID\'s caller is put through to the backup desk, whose whisper says the ID ending and how many codes failed', async () => {
    h = await startHarness({ engine, env: { HOTLINE_BACKUP_NUMBER: DESK } });
    const id = await addCustomer(h);
    await lockId(h, id);
    h.clock.advance(30_000);
    const code = await dashboardCode(h, id);
    const call = await placeCall(h, [`${id}#`, code, 'agent:accept']);
    expect(call.said()).toContain(`${UNAVAILABLE} Connecting you to a member of our team, who will verify you another way. Please hold.`);
    expect(call.said().join(' ')).not.toContain('You are verified');
    expect(call.dials().map((d) => d.number)).toEqual([DESK]);
    expect(call.agentHeard()[0]).toBe(
      `Unverified caller from the emergency line. Customer ID ending ${id.slice(-4).split('').join(' ')} is locked after 5 failed codes. Please verify them another way.`,
    );
    expect(call.ok).toBe(true);
    expect(call.requests.every((r) => r.status === 200)).toBe(true);

    // The right code refused for the lock is spent: once unlocked, it no longer verifies anyone.
    expect((await h.hotline.store.verification.audit({ customerId: id, limit: 1 }))[0]).toMatchObject({ reason: 'locked', factor: 'dashboard' });
    await api(h, 'POST', `/api/customers/${id}/unlock`);
    const replay = await placeCall(h, [`${id}#`, code]);
    expect(replay.said()).toContain('That code was already used. Please wait for the next code, then enter it.');
    expect(replay.said().join(' ')).not.toContain('You are verified');
    expect((await h.hotline.store.verification.audit({ customerId: id, limit: 1 }))[0]).toMatchObject({ reason: 'reused_code' });
  });

  it('a limited number\'s caller is put through to the backup desk, told the number is limited', async () => {
    h = await startHarness({ engine, env: { HOTLINE_BACKUP_NUMBER: DESK } });
    const id = await addCustomer(h);
    const attacker = '+14155550666';
    let n = 0;
    for (let call = 0; call < 4; call++) {
      const pairs = call < 3 ? 3 : 1;
      await placeCall(h, Array.from({ length: pairs }, () => [`${guessedId(++n)}#`, '123456']).flat(), { from: attacker });
    }
    const call = await placeCall(h, [`${id}#`, await dashboardCode(h, id), 'agent:accept'], { from: attacker });
    expect(call.said().join(' ')).toContain(UNAVAILABLE);
    expect(call.dials().map((d) => d.number)).toEqual([DESK]);
    expect(call.agentHeard()[0]).toContain(`Their number is limited after ${CALLER_LIMIT.guesses} failed codes.`);
  });

  it(`one attacker's ${CALLER_LIMIT.withheldGuesses} guesses from withheld numbers do not keep a real withheld caller from a person`, async () => {
    h = await startHarness({ engine, env: { HOTLINE_BACKUP_NUMBER: DESK } });
    const id = await addCustomer(h);
    let n = 0;
    for (let call = 0; call < CALLER_LIMIT.withheldGuesses / 3; call++) {
      await placeCall(h, Array.from({ length: 3 }, () => [`${guessedId(++n)}#`, '123456']).flat(), { from: 'anonymous' });
    }
    const real = await placeCall(h, [`${id}#`, await dashboardCode(h, id), 'agent:accept'], { from: 'anonymous' });
    expect(real.said().join(' ')).toContain(UNAVAILABLE);
    expect(real.dials().map((d) => d.number)).toEqual([DESK]);
    expect(real.endReason).not.toBe('error');
  });

  it('without a backup desk, a locked ID gets one P1 callback to the phone on file, never texted; the caller hears the same words as for an ID without one', async () => {
    h = await startHarness({ engine });
    const id = await addCustomer(h);
    await api(h, 'PATCH', `/api/customers/${id}`, { phone: ON_FILE });
    const noPhone = await addCustomer(h);
    await lockId(h, id);
    await lockId(h, noPhone);

    const first = await placeCall(h, [`${id}#`, '123456'], { from: '+14155550700' });
    const without = await placeCall(h, [`${noPhone}#`, '123456'], { from: '+14155550700' });
    expect(first.said().at(-1)).toContain(UNAVAILABLE);
    expect(without.said().at(-1)).toBe(first.said().at(-1));
    expect(first.dials()).toEqual([]);

    const booked = (await h.hotline.store.callbacks.byCallSid(first.callSid));
    expect(booked).toMatchObject({ priority: 'P1', phone: ON_FILE, customerId: id, unverified: { reason: 'locked', failures: 5 } });
    expect((await h.hotline.store.callbacks.byCallSid(without.callSid))).toBeUndefined();
    await h.hotline.callbackDialing.confirmations.idle();
    expect(h.logs.text).not.toContain('callback confirmation text');

    // A second call with the ID still locked books nothing more while the first callback is open.
    const again = await placeCall(h, [`${id}#`, '123456'], { from: '+14155550701' });
    expect(again.said().at(-1)).toBe(first.said().at(-1));
    expect((await h.hotline.store.callbacks.byCallSid(again.callSid))).toBeUndefined();
    expect((await h.hotline.store.callbacks.list({ limit: 10 })).filter((c) => c.customerId === id)).toHaveLength(1);
  });

  it('the typed digits of a step are not kept in clear: the stored retry key is a keyed hash', async () => {
    h = await startHarness({ engine });
    const id = await addCustomer(h);
    const code = await dashboardCode(h, id);
    const call = await placeCall(h, [`${id}#`, code]);
    expect(call.said().join(' ')).toContain('You are verified');
    const stored = (await h.hotline.store.calls.get(call.callSid))!;
    expect(stored.lastInputKey).not.toBeNull();
    expect(stored.lastInputKey).not.toContain(code);
    expect(stored.lastInputKey).not.toContain('|');
    // The database file holds the code nowhere.
    const { readFileSync } = await import('node:fs');
    await h.hotline.close();
    for (const file of [h.config.dbPath, `${h.config.dbPath}-wal`]) {
      try {
        expect(readFileSync(file).includes(Buffer.from(`|${code}|`))).toBe(false);
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
      }
    }
    h.hotline.close = () => Promise.resolve();
  });
});
