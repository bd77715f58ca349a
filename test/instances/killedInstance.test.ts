import { afterEach, expect, it } from 'vitest';
import { addCustomer, dashboardCode } from '../support/calls.js';
import { describePostgres } from '../support/postgres.js';
import { startChild, type ChildServer } from '../faults/support/childServer.js';
import { CallerLeg, startPair, type Pair } from './support.js';

describePostgres('an instance killed with SIGKILL in the middle of a call', () => {
  let pair: Pair;
  let child: ChildServer | undefined;
  afterEach(async () => {
    if (child && child.child.exitCode === null && child.child.signalCode === null) child.child.kill('SIGKILL');
    await child?.exited;
    await pair.close();
  });

  it("the call's next webhook, sent to the other instance, continues it", async () => {
    // The child server reads the system clock: this instance's clock starts at the same instant.
    pair = await startPair({}, Date.now());
    const { h1 } = pair;
    child = await startChild(h1.dir, {
      HOTLINE_DATABASE_URL: h1.databaseUrl!,
      HOTLINE_SECRET_KEY: h1.config.secretKeys.current.toString('base64'),
    });
    const victim = { ...h1, url: child.url };
    const id = await addCustomer(h1);
    const leg = new CallerLeg();
    await leg.incoming(victim);
    expect(leg.said().join(' ')).toContain('Enter your customer ID');
    await leg.answer(victim, id);
    expect(leg.said().join(' ')).toContain('Enter the 6-digit code');
    child.child.kill('SIGKILL');
    await child.exited;
    // Twilio's next request for the call reaches the surviving instance.
    await leg.answer(h1, await dashboardCode(h1, id));
    expect(leg.said()).toContain('You are verified.');
    expect(await h1.hotline.store.calls.get(leg.callSid)).toMatchObject({ customerId: id });
  });
});
