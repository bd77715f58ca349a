// A separate OS process verifying (customer ID, code) pairs against a shared database, to race
// another such process. Prints "ready", reads a start time (ms since the epoch) on stdin, spins until
// then so both processes begin together, verifies every pair in order and prints the verdicts as one JSON line.
import { readFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { loadConfig } from '../../../src/config.js';
import { ManualClock } from '../../../src/domain/clock.js';
import { createHotline } from '../../../src/hotline.js';
import { createLogger } from '../../../src/logger.js';

const [pairsFile, nowMs] = process.argv.slice(2) as [string, string];
const pairs = JSON.parse(readFileSync(pairsFile, 'utf8')) as Array<{ customerId: string; code: string }>;
const config = loadConfig(process.env, { generateLocal: false });
const hotline = createHotline({ config, logger: createLogger('silent'), clock: new ManualClock(Number(nowMs)) });

process.stdout.write('ready\n');
const input = createInterface({ input: process.stdin });
input.once('line', async (startAt) => {
  while (Date.now() < Number(startAt)) {
    // Spinning, not sleeping: a timer would add milliseconds of jitter between the two racers.
  }
  const verdicts = [];
  for (const { customerId, code } of pairs) {
    const started = performance.now();
    const v = await hotline.verifyCaller(customerId, code, { callSid: `CA${customerId.padStart(32, '0')}` });
    const ms = performance.now() - started;
    verdicts.push({ customerId, verified: v.verified, reason: v.verified ? null : v.reason, ms });
  }
  process.stdout.write(`${JSON.stringify(verdicts)}\n`);
  await hotline.close();
  input.close();
});
