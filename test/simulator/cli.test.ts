import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { parseCliOptions } from '../../src/simulator/cliOptions.js';
import { describeEvent } from '../../src/simulator/printer.js';
import { ACCOUNT_SID, startTwimlServer, TOKEN, twiml, type TwimlServer } from './twimlServer.js';

const ADMIN_TOKEN = 'simulator-test-admin-token-0123456789';

describe('parseCliOptions', () => {
  it('has the documented defaults', () => {
    expect(parseCliOptions([])).toEqual({
      url: undefined,
      publicUrl: undefined,
      from: '+15555550100',
      to: '+15555550199',
      script: undefined,
      json: false,
      help: false,
    });
  });
  it('refuses malformed numbers, URLs and unknown options', () => {
    expect(() => parseCliOptions(['--from', '5550100'])).toThrow(/--from/);
    expect(() => parseCliOptions(['--to', 'anonymous'])).toThrow(/--to/);
    expect(() => parseCliOptions(['--url', 'localhost:3000'])).toThrow(/--url/);
    expect(() => parseCliOptions(['--bogus'])).toThrow();
  });
});

describe('describeEvent', () => {
  it('prefixes what each side hears and types', () => {
    expect(describeEvent({ kind: 'say', leg: 'caller', text: 'Hello' })).toBe('caller hears: Hello');
    expect(describeEvent({ kind: 'say', leg: 'agent', text: 'Press 1' })).toBe('agent hears: Press 1');
    expect(describeEvent({ kind: 'input', leg: 'caller', typed: '12#', digits: '12' })).toBe('caller types: 12#  -> Digits=12');
    expect(describeEvent({ kind: 'dial', number: '+15555550111', url: '/w' })).toBe('ringing agent +15555550111 (whisper /w)');
  });
});

describe('npm run call (src/simulator/main.ts)', () => {
  let server: TwimlServer;
  let dir: string;
  afterEach(async () => {
    await server?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const run = (args: string[]) => {
    const env = {
      ...process.env,
      PUBLIC_BASE_URL: server.url,
      HOTLINE_DB: join(dir, 'hotline.sqlite'),
      TWILIO_ACCOUNT_SID: ACCOUNT_SID,
      TWILIO_AUTH_TOKEN: TOKEN,
      HOTLINE_ADMIN_TOKEN: ADMIN_TOKEN,
      HOTLINE_SECRET_KEY: randomBytes(32).toString('base64'),
    };
    return new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
      const child = spawn(join('node_modules', '.bin', 'tsx'), ['src/simulator/main.ts', ...args], { env });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
      child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
      child.on('close', (code) => resolve({ code, stdout, stderr }));
    });
  };

  const start = async () => {
    dir = mkdtempSync(join(tmpdir(), 'hotline-sim-'));
    server = await startTwimlServer(
      {
        '/voice/incoming': twiml('<Gather action="/voice/id" finishOnKey="#"><Say>Enter your customer ID.</Say></Gather>'),
        '/voice/id': twiml('<Gather action="/voice/code" numDigits="6"><Say>Enter your code.</Say></Gather>'),
        '/voice/code': (params) =>
          twiml(
            params.Digits === '654321'
              ? `<Gather action="/voice/priority" numDigits="1"><Say>Verified. Press 1 for P1.</Say></Gather>`
              : '<Say>No match.</Say><Hangup/>',
          ),
        '/voice/priority': twiml('<Dial action="/voice/dialed"><Number url="/voice/whisper">+15555550111</Number></Dial>'),
        '/voice/whisper': twiml('<Gather numDigits="1" action="/voice/accept"><Say>Verified customer. Press 1.</Say></Gather><Hangup/>'),
        '/voice/accept': twiml('<Say>Connecting.</Say>'),
        '/voice/dialed': '',
        '/voice/status': '',
      },
      {
        api: {
          '/api/customers/4111111111/one-time-token': (auth) =>
            auth === `Bearer ${ADMIN_TOKEN}`
              ? { status: 200, body: JSON.stringify({ code: '654321' }), contentType: 'application/json' }
              : { status: 401, body: '{}' },
        },
      },
    );
  };

  it('runs a script unattended, fetching CODE from the admin API, and prints the transcript', async () => {
    await start();
    const { code, stdout } = await run(['--script', '4111111111#,CODE,1,agent:accept']);
    expect(code).toBe(0);
    expect(stdout).toContain('caller hears: Enter your customer ID.');
    expect(stdout).toContain('caller types: 654321  -> Digits=654321');
    expect(stdout).toContain('ringing agent +15555550111 (whisper /voice/whisper)');
    expect(stdout).toContain('agent hears: Verified customer. Press 1.');
    expect(stdout).toContain('dial ended: completed, bridged');
    expect(server.received.every((r) => r.signatureValid)).toBe(true);
  });

  it('prints JSON with --json and exits 1 when the call hits an error', async () => {
    await start();
    const { code, stdout } = await run(['--script', '4111111111#,CODE,1,agent:accept', '--json', '--to', '+15555550123']);
    expect(code).toBe(0);
    const report = JSON.parse(stdout) as { ok: boolean; events: Array<{ kind: string }> };
    expect(report.ok).toBe(true);
    expect(report.events.at(-1)!.kind).toBe('end');
    expect(server.received[0]!.params.To).toBe('+15555550123');

    const failed = await run(['--script', '4111111111#,CODE,1', '--url', 'http://127.0.0.1:9']);
    expect(failed.code).toBe(1);
    expect(failed.stdout).toContain('ERROR:');
  });
});
