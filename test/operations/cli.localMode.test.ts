import { existsSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { tempDir } from '../support/harness.js';
import { hotline, productionEnv } from '../foundation/support/cli.js';
import { finished, ServerLog, startServer } from '../foundation/support/processes.js';

describe('local mode: the demo and npm start', () => {
  let dir: string;
  beforeEach(() => {
    dir = tempDir();
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('hotline demo refuses a production configuration with one line and exit 1, and creates nothing', async () => {
    const env = productionEnv(dir);
    const res = await hotline(['demo'], { cwd: dir, env });
    expect(res).toMatchObject({ code: 1, stdout: '' });
    expect(res.stderr).toBe(
      'hotline: demo runs only in local mode: with TWILIO_ACCOUNT_SID, TWILIO_AUTH_TOKEN, HOTLINE_SECRET_KEY and HOTLINE_ADMIN_TOKEN set, its on-duty demo agent would take real calls\n',
    );
    // Refused before the database is opened: no file, so no demo agent either.
    expect(existsSync(env.HOTLINE_DB!)).toBe(false);
  });

  it('hotline demo in local mode creates the demo customer and an on-duty agent', async () => {
    const res = await hotline(['demo', '--json'], { cwd: dir, env: { HOTLINE_DB: join(dir, 'hotline.sqlite'), LOG_LEVEL: 'silent' } });
    expect(res.code).toBe(0);
    expect(res.json()).toMatchObject({ customer: { name: 'Demo Corp' }, agent: { name: 'Demo Agent', onDuty: true } });
  });

  it('npm start with no HOST listens on 127.0.0.1 and tells the person the console address and the demo command', async () => {
    const child = startServer(dir, { PORT: '0' });
    const exited = finished(child);
    const log = new ServerLog(child);
    // The welcome goes to stderr (stdout is JSON logs); it is complete once its last line is in.
    let stderr = '';
    const welcomed = new Promise<void>((resolve) =>
      child.stderr!.on('data', (d: Buffer) => {
        stderr += d.toString('utf8');
        if (stderr.includes('npm run hotline -- demo')) resolve();
      }),
    );
    const listening = await log.waitFor(/^hotline listening$/);
    expect(listening.host).toBe('127.0.0.1');
    const console = `http://127.0.0.1:${listening.port as number}/console`;
    await welcomed;
    expect(stderr).toContain(`Agent console:   ${console}`);
    expect(stderr).toContain('npm run hotline -- demo');
    expect((await fetch(console, { redirect: 'manual' })).status).toBeLessThan(500);
    // The demo dashboard it names answers in local mode, with the panel framed in it.
    const demo = `http://127.0.0.1:${listening.port as number}/demo/dashboard`;
    expect(stderr).toContain(`Demo dashboard:  ${demo}`);
    const page = await fetch(demo);
    expect(page.status).toBe(200);
    expect(await page.text()).toMatch(/<iframe title="Emergency hotline panel" src="\/panel#session=hl_panel_/);
    child.kill('SIGTERM');
    expect((await exited).code).toBe(0);
  }, 30_000);
});
