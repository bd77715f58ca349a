/**
 * Fail-over a caller should not notice: PostgreSQL, two hotline instances and HAProxy in front
 * (deploy/haproxy.cfg); complete verified calls through HAProxy at a steady rate; one instance killed
 * with SIGKILL and started again. Prints the calls started and completed, the webhooks that failed and
 * the p99 around the kill.
 *
 *   npm run chaos
 *   npm run chaos -- --duration 20 --rate 2 --kill-at 6 --restart-at 13
 *
 * Needs Debian's postgresql and haproxy packages (apt-get install -y postgresql haproxy).
 */
import { parseArgs } from 'node:util';
import { runChaos } from './chaos/run.js';

const { values } = parseArgs({
  options: {
    duration: { type: 'string', default: '60' },
    rate: { type: 'string', default: '2' },
    'kill-at': { type: 'string', default: '20' },
    'restart-at': { type: 'string', default: '40' },
    'database-url': { type: 'string' },
  },
});
const number = (name: keyof typeof values) => {
  const n = Number(values[name]);
  if (!Number.isFinite(n) || n <= 0) {
    console.error(`chaos: --${name} must be a positive number (got ${JSON.stringify(values[name])})`);
    process.exit(2);
  }
  return n;
};
const options = { durationS: number('duration'), rate: number('rate'), killAtS: number('kill-at'), restartAtS: number('restart-at') };
if (!(options.killAtS < options.restartAtS && options.restartAtS < options.durationS)) {
  console.error('chaos: the kill must come before the restart, and both within --duration');
  process.exit(2);
}

const stamp = () => new Date().toISOString().slice(11, 19);
try {
  const report = await runChaos({ ...options, ...(values['database-url'] && { databaseUrl: values['database-url'] }), log: (line) => console.log(`${stamp()} ${line}`) });
  const tries = Object.entries(report.failedTries).map(([kind, n]) => `${n} ${kind}`).join(', ') || 'none';
  console.log('');
  console.log(`${options.durationS} s at ${options.rate} calls/s, hotline1 killed (SIGKILL) at ${options.killAtS} s and started again at ${options.restartAtS} s`);
  console.log(`calls started          ${report.callsStarted}`);
  console.log(`calls completed        ${report.callsCompleted}   (${report.callsAcrossKill} of them in progress at the kill)`);
  console.log(`webhooks               ${report.webhooks}`);
  console.log(`webhooks failed        ${report.webhooksFailed}   (tries that failed and were tried again by Twilio: ${tries})`);
  console.log(`p50 / p99              ${report.p50Ms} / ${report.p99Ms} ms, every webhook`);
  console.log(`p99 after the kill     ${report.afterKill.p99Ms} ms (slowest ${report.afterKill.maxMs} ms; ${report.afterKill.webhooks} webhooks in progress in the 5 s from it)`);
  if (report.afterRestart) {
    console.log(`p99 after the restart  ${report.afterRestart.p99Ms} ms (slowest ${report.afterRestart.maxMs} ms; ${report.afterRestart.webhooks} webhooks in progress in the 5 s from when it was ready)`);
  }
  console.log(`haproxy                hotline1 marked down ${report.markedDownAfterS.toFixed(1)} s after the kill; started again: ready after ${report.readyAfterS?.toFixed(1)} s, marked up after ${report.markedUpAfterS?.toFixed(1)} s`);
  for (const s of report.haproxy) {
    console.log(`                       ${s.server} (${s.status}): ${s.sessions} requests, ${s.errors} connection or response errors, ${s.retries} retried, ${s.redispatches} sent to the other instance`);
  }
  for (const call of report.incomplete.slice(0, 10)) console.log(`incomplete             ${call.callSid}: ${call.error}`);
  process.exit(report.callsCompleted === report.callsStarted && report.webhooksFailed === 0 ? 0 : 1);
} catch (err) {
  console.error(`chaos: ${(err as Error).message}`);
  process.exit(1);
}
