/**
 * What the server says about itself over a run, from its own /metrics scraped before and after: how
 * often it committed, how long the commits held the event loop (fsync included), how many took over
 * 3 and 10 ms, and its garbage-collection pauses. Answers the question the latency table raises:
 * what the slowest answers were waiting for.
 */
import { request } from 'node:http';

type Scrape = Array<{ name: string; labels: string; value: number }>;

export async function scrapeMetrics(port: number, adminToken: string): Promise<Scrape> {
  const text = await new Promise<string>((resolve, reject) => {
    // agent: false, a connection of its own: a kept-alive one from the last scrape may have been closed by now.
    const req = request({ host: '127.0.0.1', port, path: '/metrics', agent: false, headers: { authorization: `Bearer ${adminToken}` } }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('end', () => (res.statusCode === 200 ? resolve(body) : reject(new Error(`/metrics answered ${res.statusCode}`))));
    });
    req.on('error', reject);
    req.end();
  });
  const samples: Scrape = [];
  for (const line of text.split('\n')) {
    const m = /^([a-zA-Z_:][\w:]*)(\{[^}]*\})? (\S+)$/.exec(line);
    if (m) samples.push({ name: m[1]!, labels: m[2] ?? '', value: Number(m[3]) });
  }
  return samples;
}

/** Sum of every series of `name` whose labels contain `label` (e.g. 'le="0.003"'). */
const total = (s: Scrape, name: string, label = '') =>
  s.filter((x) => x.name === name && x.labels.includes(label)).reduce((sum, x) => sum + x.value, 0);

export interface ServerSide {
  commits: number;
  webhooksPerCommit: number;
  /** Share of the window the event loop spent inside COMMIT. */
  commitShare: number;
  commitsOver3ms: number;
  commitsOver10ms: number;
  gcPauses: number;
  /** Share of the window the main thread spent paused for garbage collection. */
  gcShare: number;
  gcPausesOver10ms: number;
}

export function serverSide(before: Scrape, after: Scrape, windowMs: number): ServerSide {
  const delta = (name: string, label = '') => total(after, name, label) - total(before, name, label);
  const commits = delta('hotline_db_commit_duration_seconds_count');
  const gcPauses = delta('nodejs_gc_duration_seconds_count');
  const share = (seconds: number) => Math.round((seconds / (windowMs / 1000)) * 1000) / 1000;
  return {
    commits,
    webhooksPerCommit: commits ? Math.round((delta('hotline_db_committed_webhooks_total') / commits) * 100) / 100 : 0,
    commitShare: share(delta('hotline_db_commit_duration_seconds_sum')),
    commitsOver3ms: commits - delta('hotline_db_commit_duration_seconds_bucket', 'le="0.003"'),
    commitsOver10ms: commits - delta('hotline_db_commit_duration_seconds_bucket', 'le="0.01"'),
    gcPauses,
    gcShare: share(delta('nodejs_gc_duration_seconds_sum')),
    gcPausesOver10ms: gcPauses - delta('nodejs_gc_duration_seconds_bucket', 'le="0.01"'),
  };
}
