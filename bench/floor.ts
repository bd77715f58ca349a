/**
 * The floor: a bare node:http server that answers every request with one fixed TwiML document of the
 * size the hotline answers, with no parsing and no checks. What Node itself costs per webhook.
 *
 * With FLOOR_DB set, the durable floor: the same, but every request also writes one row to SQLite
 * (WAL, synchronous=FULL), the requests of one event-loop turn in one transaction, each answer sent
 * only after that commit. The least any server must do that keeps every state change on disk before
 * answering, as the hotline does: what this machine's disk costs per webhook, with nothing else.
 */
import Database from 'better-sqlite3';
import { createServer, type ServerResponse } from 'node:http';

const DOCUMENT = Buffer.from(
  '<?xml version="1.0" encoding="UTF-8"?><Response><Gather input="dtmf" action="https://hotline.example.com/voice/step?step=1" ' +
    'method="POST" actionOnEmptyResult="true" timeout="10" finishOnKey="#" numDigits="6"><Say voice="Polly.Joanna" language="en-US">' +
    'Enter the 6-digit code from your dashboard or your authenticator app.</Say></Gather></Response>',
);

const answer = (res: ServerResponse) => {
  res.writeHead(200, { 'Content-Type': 'text/xml', 'Content-Length': DOCUMENT.length });
  res.end(DOCUMENT);
};

/** The durable floor's commits so far. */
const commits = { count: 0, seconds: 0, upTo3ms: 0, upTo10ms: 0, requests: 0 };

/** GET /metrics: the commit series the bench reads from the hotline, under the same names. */
const metrics = () =>
  [
    `hotline_db_commit_duration_seconds_bucket{le="0.003"} ${commits.upTo3ms}`,
    `hotline_db_commit_duration_seconds_bucket{le="0.01"} ${commits.upTo10ms}`,
    `hotline_db_commit_duration_seconds_bucket{le="+Inf"} ${commits.count}`,
    `hotline_db_commit_duration_seconds_sum ${commits.seconds}`,
    `hotline_db_commit_duration_seconds_count ${commits.count}`,
    `hotline_db_committed_webhooks_total ${commits.requests}`,
    '',
  ].join('\n');

/** Answers once the row is committed; one COMMIT (and fsync) per event-loop turn. */
function durably(file: string): (res: ServerResponse) => void {
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = FULL');
  db.exec('CREATE TABLE IF NOT EXISTS requests (id INTEGER PRIMARY KEY, at INTEGER NOT NULL, body TEXT NOT NULL)');
  const insert = db.prepare('INSERT INTO requests (at, body) VALUES (?, ?)');
  const row = 'x'.repeat(200);
  let waiting: ServerResponse[] = [];
  const commit = () => {
    const started = performance.now();
    db.exec('COMMIT');
    const took = performance.now() - started;
    const done = waiting;
    commits.count++;
    commits.seconds += took / 1000;
    if (took <= 3) commits.upTo3ms++;
    if (took <= 10) commits.upTo10ms++;
    commits.requests += done.length;
    waiting = [];
    for (const res of done) answer(res);
  };
  return (res) => {
    if (waiting.length === 0) {
      db.exec('BEGIN IMMEDIATE');
      setImmediate(commit);
    }
    insert.run(Date.now(), row);
    waiting.push(res);
  };
}

const respond = process.env.FLOOR_DB ? durably(process.env.FLOOR_DB) : answer;
const server = createServer((req, res) => {
  if (req.url === '/metrics') return res.end(metrics());
  respond(res);
});
server.keepAliveTimeout = 60_000;
server.listen(Number(process.env.PORT ?? 0), '127.0.0.1', () => {
  const address = server.address();
  console.log(`floor listening on ${typeof address === 'object' && address ? address.port : '?'}`);
});
process.on('SIGTERM', () => server.close(() => process.exit(0)));
