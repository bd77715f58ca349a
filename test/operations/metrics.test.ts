import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { addAgent, addCustomer, dashboardCode, placeCall } from '../support/calls.js';
import { TEST_ADMIN_TOKEN, startHarness, type Harness } from '../support/harness.js';
import { callParams, postSigned } from '../support/twilioRequests.js';

const MINUTE = 60_000;

/** The value of one series in a Prometheus text document, or undefined if absent. */
function sample(text: string, series: string): number | undefined {
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

describe('GET /metrics', () => {
  let h: Harness;
  const scrape = async (harness = h, token: string | null = TEST_ADMIN_TOKEN) => {
    const res = await fetch(`${harness.url}/metrics`, { headers: token ? { authorization: `Bearer ${token}` } : {} });
    return { status: res.status, type: res.headers.get('content-type'), text: await res.text() };
  };
  beforeEach(async () => {
    h = await startHarness();
  });
  afterEach(async () => h.close());

  it('needs the admin token unless HOTLINE_METRICS_PUBLIC=true; answers in the Prometheus text format', async () => {
    expect((await scrape(h, null)).status).toBe(401);
    const ok = await scrape();
    expect(ok.status).toBe(200);
    expect(ok.type).toMatch(/^text\/plain; version=0\.0\.4/);
    for (const name of ['hotline_webhook_duration_seconds', 'hotline_calls_ended_total', 'hotline_verifications_total', 'hotline_verification_lockouts_total', 'hotline_callbacks_open', 'hotline_queue_length', 'hotline_dialer_lag_seconds', 'hotline_db_commit_duration_seconds', 'nodejs_eventloop_lag_seconds']) {
      expect(ok.text).toContain(`# TYPE ${name} `);
    }
    const open = await startHarness({ env: { HOTLINE_METRICS_PUBLIC: 'true' } });
    try {
      expect((await scrape(open, null)).status).toBe(200);
    } finally {
      await open.close();
    }
  });

  it('counts calls by outcome when they end, refused ones with the reason, and times every webhook by route', async () => {
    const customerId = await addCustomer(h);
    await addAgent(h, { phone: '+15555550111', languages: ['en-US'] });
    await placeCall(h, [`${customerId}#`, await dashboardCode(h, customerId), '1', 'agent:accept']);
    await placeCall(h, [`${customerId}#`, '000000', `${customerId}#`, '000001', `${customerId}#`, '000002']);
    h.clock.advance(30_000);
    await placeCall(h, [`${customerId}#`, await dashboardCode(h, customerId), '3']);
    await placeCall(h, ['silence', 'silence', 'silence']);

    const { text } = await scrape();
    expect(sample(text, 'hotline_calls_ended_total{outcome="transferred",reason=""}')).toBe(1);
    expect(sample(text, 'hotline_calls_ended_total{outcome="refused",reason="wrong_code"}')).toBe(1);
    expect(sample(text, 'hotline_calls_ended_total{outcome="p3-info",reason=""}')).toBe(1);
    expect(sample(text, 'hotline_calls_ended_total{outcome="too-many-tries",reason=""}')).toBe(1);
    expect(sample(text, 'hotline_verifications_total{result="verified",reason="ok"}')).toBe(2);
    expect(sample(text, 'hotline_verifications_total{result="refused",reason="wrong_code"}')).toBe(3);
    expect(sample(text, 'hotline_webhook_duration_seconds_count{route="/voice/incoming",status="200"}')).toBe(4);
    expect(sample(text, 'hotline_webhook_duration_seconds_count{route="/voice/whisper",status="200"}')).toBe(1);
    expect(sample(text, 'hotline_webhook_duration_seconds_bucket{le="15",route="/voice/step",status="200"}')).toBeGreaterThan(5);
  });

  it("times each commit of the caller's webhooks and counts the webhooks it carried", async () => {
    const before = (await scrape()).text;
    expect(sample(before, 'hotline_db_commit_duration_seconds_count')).toBe(0);
    const answers = await Promise.all(
      Array.from({ length: 10 }, (_, i) => postSigned(h, '/voice/incoming', callParams(`CA${String(i).padStart(32, '0')}`))),
    );
    expect(answers.map((a) => a.status)).toEqual(Array(10).fill(200));
    const { text } = await scrape();
    expect(sample(text, 'hotline_db_committed_webhooks_total')).toBe(10);
    const commits = sample(text, 'hotline_db_commit_duration_seconds_count')!;
    // Webhooks answered in the same event-loop turn share a commit: one to ten commits for ten calls.
    expect(commits).toBeGreaterThanOrEqual(1);
    expect(commits).toBeLessThanOrEqual(10);
    expect(sample(text, 'hotline_db_commit_duration_seconds_bucket{le="+Inf"}')).toBe(commits);
    expect(sample(text, 'hotline_db_commit_duration_seconds_sum')).toBeGreaterThan(0);
  });

  it('a caller who hangs up before the flow decided anything counts as abandoned, once', async () => {
    const callSid = `CA${'a'.repeat(32)}`;
    await postSigned(h, '/voice/incoming', callParams(callSid));
    await postSigned(h, '/voice/status', callParams(callSid, { CallStatus: 'completed' }));
    await postSigned(h, '/voice/status', callParams(callSid, { CallStatus: 'completed' })); // Twilio may send it twice
    expect(sample((await scrape()).text, 'hotline_calls_ended_total{outcome="abandoned",reason=""}')).toBe(1);
  });

  it('counts lockouts', async () => {
    const customerId = await addCustomer(h);
    for (let i = 0; i < 5; i++) await h.hotline.verifyCaller(customerId, '000000', { caller: `+1415555010${i}` });
    expect(sample((await scrape()).text, 'hotline_verification_lockouts_total')).toBe(1);
  });

  it('shows callbacks owed by priority and SLA state, and how far the most overdue one is past its deadline', async () => {
    const customerId = await addCustomer(h);
    const now = h.clock.now();
    let n = 0;
    const book = (priority: 'P1' | 'P2', dueIn: number) =>
      h.hotline.store.callbacks.schedule({
        reference: String(1000000 + ++n),
        customerId,
        callSid: `CA${String(n).padStart(32, '0')}`,
        priority,
        tier: 'premium',
        phone: '+14155550100',
        language: 'en-US',
        reason: 'p2',
        createdAt: now - 60 * MINUTE,
        dueAt: now + dueIn,
      });
    await book('P1', 50 * MINUTE);
    await book('P1', 10 * MINUTE);
    await book('P1', -5 * MINUTE);
    await book('P2', -2 * MINUTE);
    await book('P2', 3 * 60 * MINUTE);

    const { text } = await scrape();
    expect(sample(text, 'hotline_callbacks_open{priority="P1",sla_state="on_time"}')).toBe(1);
    expect(sample(text, 'hotline_callbacks_open{priority="P1",sla_state="at_risk"}')).toBe(1);
    expect(sample(text, 'hotline_callbacks_open{priority="P1",sla_state="breached"}')).toBe(1);
    expect(sample(text, 'hotline_callbacks_open{priority="P2",sla_state="breached"}')).toBe(1);
    expect(sample(text, 'hotline_callbacks_open{priority="P2",sla_state="at_risk"}')).toBe(0);
    expect(sample(text, 'hotline_dialer_lag_seconds')).toBe(5 * 60);
    expect(sample(text, 'hotline_queue_length{queue="p1"}')).toBe(0);

    // The dialer or the queue may report their own numbers instead.
    h.hotline.metrics.setDialerLag(12);
    h.hotline.metrics.setQueueLength(3, 'p1');
    const reported = (await scrape()).text;
    expect(sample(reported, 'hotline_dialer_lag_seconds')).toBe(12);
    expect(sample(reported, 'hotline_queue_length{queue="p1"}')).toBe(3);
  });
});
