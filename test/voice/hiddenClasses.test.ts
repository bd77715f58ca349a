import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../..', import.meta.url));

/**
 * Runs `body` in a fresh Node with V8's natives syntax (`%HaveSameMap`), with the source's modules
 * importable by path, and returns what it prints. Natives cannot be switched on inside vitest's workers.
 */
function inV8(body: string): string {
  const script = `
    const { onDutyOffers } = await import(${JSON.stringify(`${root}src/hotline.ts`)});
    const sameMap = new Function('a', 'b', 'return %HaveSameMap(a, b)');
    ${body}
  `;
  return execFileSync(process.execPath, ['--allow-natives-syntax', '--import', 'tsx', '--input-type=module', '-e', script], {
    cwd: root,
    encoding: 'utf8',
  }).trim();
}

describe('objects built on every webhook share their hidden class', () => {
  // An object that gets a hidden class of its own keeps its whole webhook's objects alive through the
  // young-generation collector, which then promotes them: full collections every few seconds under load
  // (README, "Performance"). The P1 step builds the list of on-duty agents on every call.
  it('the on-duty agents a P1 step sees, once V8 has optimised the code that builds them', () => {
    // Only optimised code shows it: interpreted, a field added after a spread reuses one class.
    const out = inV8(`
      // An agent record as the repository gives it: its state already decided (src/domain/duty.ts).
      const agent = (id, onCall, lastOfferedAt) => ({ agentId: id, name: 'A' + id, phone: '+1555000000' + id,
        languages: ['en-US'], onCall, lastOfferedAt, state: onCall ? 'on-call' : lastOfferedAt !== null ? 'offered' : 'available' });
      const steps = 50_000;
      let changes = 0;
      let previous;
      for (let i = 0; i < steps; i++) {
        const list = onDutyOffers([agent(i % 20, i % 3 ? null : 'CA1', null), agent(99, null, i)]);
        if (previous && !sameMap(previous, list[0])) changes++;
        if (!sameMap(list[0], list[1])) changes++;
        previous = list[1];
      }
      console.log(JSON.stringify({ changes, free: onDutyOffers([agent(1, null, null), agent(2, 'CA1', null), agent(3, null, 0)]).map((a) => a.free) }));
    `);
    const { changes, free } = JSON.parse(out) as { changes: number; free: boolean[] };
    expect(free).toEqual([true, false, false]);
    expect(changes).toBe(0); // about 100,000 with `free` written after the spread
  });
});
