import { rmSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tempDir } from '../support/harness.js';
import { hotline, productionEnv, serviceFor } from '../foundation/support/cli.js';

const MINUTE = 60_000;
// Each step is a process start (about 1.5 s of CPU under tsx), so the cases share one database and
// keep to one run per thing shown; the budget allows for a loaded machine.
const BUDGET = 60_000;

describe('hotline callbacks: the desk from the command line', () => {
  let dir: string;
  let env: Record<string, string>;
  let ids: { due: number; later: number; ann: number; ben: number };
  beforeAll(async () => {
    dir = tempDir();
    env = { ...productionEnv(dir), LOG_LEVEL: 'silent' };
    // The booking side as the flow writes it, with the real clock the CLI reads too.
    const service = serviceFor(env);
    try {
      const customer = await service.customers.create({ name: 'Acme', plan: 'enterprise', tier: 'premium' });
      const now = Date.now();
      const booked = (n: number, dueIn: number) =>
        service.store.callbacks.schedule({
          reference: `CB-10${n}`,
          customerId: customer.customerId,
          callSid: `CA${String(n).padStart(32, '0')}`,
          priority: 'P1',
          tier: 'premium',
          phone: '+14155550100',
          language: 'en-US',
          reason: 'no-agent-answered',
          createdAt: now - MINUTE,
          dueAt: now + dueIn,
        });
      const due = await booked(1, 5 * MINUTE);
      const later = await booked(2, 60 * MINUTE);
      const ann = await service.store.agents.create({ name: 'Ann', phone: '+14155550101', languages: ['en-US'] }, now);
      const ben = await service.store.agents.create({ name: 'Ben', phone: '+14155550102', languages: ['en-US'] }, now);
      ids = { due: due.callbackId, later: later.callbackId, ann: ann.agentId, ben: ben.agentId };
    } finally {
      await service.close();
    }
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const run = (...args: string[]) => hotline(args, { cwd: dir, env });

  it('lists the open callbacks earliest due first, with ISO times and the SLA state, as the API does', async () => {
    const res = await run('callbacks', 'list', '--json');
    expect(res.code).toBe(0);
    const { items } = res.json();
    expect(items.map((c: { reference: string }) => c.reference)).toEqual(['CB-101', 'CB-102']);
    expect(items[0]).toMatchObject({ callbackId: ids.due, status: 'pending', sla: 'at_risk', phone: '+14155550100' });
    expect(items[0].dueAt).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    const text = await run('callbacks', 'list');
    expect(text.stdout).toMatch(/^ID\s+REFERENCE\s+PRIO\s+STATUS\s+SLA\s+DUE/);
    expect(text.stdout).toContain('CB-101');
  }, BUDGET);

  it('an agent claims a callback; another is refused unless taking over', async () => {
    const claimed = await run('callbacks', 'claim', String(ids.due), '--agent', String(ids.ann), '--json');
    expect(claimed.code).toBe(0);
    expect(claimed.json()).toMatchObject({ claimedBy: { agentId: ids.ann, name: 'Ann' }, notes: [{ kind: 'claimed', agentName: 'Ann' }] });
    expect(claimed.json().claimedAt).toMatch(/Z$/);

    const refused = await run('callbacks', 'claim', String(ids.due), '--agent', String(ids.ben));
    expect(refused).toMatchObject({ code: 1, stdout: '' });
    expect(refused.stderr).toBe(`hotline: callback ${ids.due} is claimed by Ann (agent ${ids.ann}); add --take-over to take it over\n`);

    const taken = await run('callbacks', 'claim', String(ids.due), '--agent', String(ids.ben), '--take-over');
    expect(taken.code).toBe(0);
    expect(taken.stdout).toBe(`Callback ${ids.due} (CB-101) claimed by Ben (agent ${ids.ben}).\n`);
  }, BUDGET);

  it('completing needs the outcome in a script, records it, and is shown on the callback', async () => {
    const missing = await run('callbacks', 'complete', String(ids.later), '--agent', String(ids.ann));
    expect(missing).toMatchObject({ code: 2, stderr: 'hotline: missing --outcome (reached, unreachable, duplicate) (see hotline callbacks complete --help)\n' });

    const done = await run('callbacks', 'complete', String(ids.later), '--agent', String(ids.ann), '--outcome', 'unreachable');
    expect(done).toMatchObject({ code: 0, stdout: `Callback ${ids.later} (CB-102) completed by Ann: could not reach the customer.\n` });
    const again = await run('callbacks', 'complete', String(ids.later), '--agent', String(ids.ben), '--outcome', 'reached');
    expect(again).toMatchObject({ code: 1, stderr: `hotline: callback ${ids.later} was already completed by Ann\n` });

    const shown = await run('callbacks', 'show', String(ids.later), '--json');
    expect(shown.json()).toMatchObject({ status: 'completed', outcome: 'unreachable', completedBy: { agentId: ids.ann, name: 'Ann' } });

    // A closed callback leaves the default list (the ones still owed).
    const open = (await run('callbacks', 'list', '--json')).json().items.map((c: { callbackId: number }) => c.callbackId);
    expect(open).toEqual([ids.due]);
  }, BUDGET);

  it('an unknown callback or agent is one line, exit 1', async () => {
    expect(await run('callbacks', 'show', '999')).toMatchObject({ code: 1, stdout: '', stderr: 'hotline: callback 999 not found\n' });
    expect(await run('callbacks', 'claim', String(ids.due), '--agent', '999')).toMatchObject({ code: 1, stderr: 'hotline: agent 999 not found\n' });
  }, BUDGET);
});
