import { rmSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tempDir } from '../support/harness.js';
import { hotline, productionEnv } from '../foundation/support/cli.js';

// Each step is a process start (about 1.5 s of CPU under tsx): one run per thing shown.
const BUDGET = 60_000;

describe('hotline agents duty and roster', () => {
  let dir: string;
  let env: Record<string, string>;
  beforeAll(() => {
    dir = tempDir();
    env = { ...productionEnv(dir), LOG_LEVEL: 'silent' };
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const run = (...args: string[]) => hotline(args, { cwd: dir, env });

  it('sets a roster from typed rules, switches duty to follow it, and refuses a bad rule naming it', async () => {
    const added = (await run('agents', 'add', '--name', 'Ann', '--phone', '+14155550101', '--json')).json();
    const id = String(added.agentId);
    const set = await run('agents', 'roster', id, '--time-zone', 'Asia/Tokyo', '--rule', 'mon-fri 09:00-17:30', '--rule', 'sat,sun 10:00-14:00', '--json');
    expect(set.code).toBe(0);
    expect(set.json()).toMatchObject({
      agentId: added.agentId,
      duty: 'off',
      timeZone: 'Asia/Tokyo',
      rules: [
        { days: ['mon', 'tue', 'wed', 'thu', 'fri'], start: '09:00', end: '17:30' },
        { days: ['sat', 'sun'], start: '10:00', end: '14:00' },
      ],
    });
    const duty = await run('agents', 'duty', id, 'roster', '--json');
    expect(duty.code).toBe(0);
    expect(duty.json()).toMatchObject({ agentId: added.agentId, duty: 'roster', createdAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT.*Z$/) });
    const bad = await run('agents', 'roster', id, '--time-zone', 'Asia/Tokyo', '--rule', 'mon-fri 18:00-18:00');
    expect(bad).toMatchObject({ code: 1, stdout: '', stderr: 'hotline: --rule "mon-fri 18:00-18:00": end must differ from start (use 00:00 to 24:00 for a whole day)\n' });
    expect(await run('agents', 'duty', id, 'sometimes')).toMatchObject({ code: 2, stderr: 'hotline: duty must be one of on, off, roster (see hotline agents duty --help)\n' });
  }, BUDGET);
});
