#!/usr/bin/env node
/*
 * A throwaway PostgreSQL cluster for development, tests and CI: a fresh data directory in the system's
 * temporary directory, trust authentication, listening on 127.0.0.1 only, removed when stopped.
 *
 *   npm run postgres               starts one, prints the URL to use, stops it on Ctrl-C
 *   npm run postgres -- --detach   leaves it running (the URL is printed) until `npm run postgres -- stop`
 *   npm run postgres -- stop       stops the detached one and removes its files
 *
 * Uses Debian's `postgresql` package (apt-get install postgresql) or any PostgreSQL whose initdb and
 * pg_ctl are found under /usr/lib/postgresql/<version>/bin, in $HOTLINE_PG_BIN, or on the PATH. PostgreSQL
 * refuses to run as root: as root the cluster runs as the `postgres` user the package creates.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Where a detached cluster is recorded, so that `stop` finds it. */
const STATE_FILE = join(tmpdir(), 'hotline-postgres.json');

/** The directory holding initdb and pg_ctl, or undefined when PostgreSQL is not installed. */
export function findPostgresBin() {
  const candidates = [];
  if (process.env.HOTLINE_PG_BIN) candidates.push(process.env.HOTLINE_PG_BIN);
  const debian = '/usr/lib/postgresql';
  if (existsSync(debian)) {
    const versions = readdirSync(debian)
      .filter((v) => /^\d+$/.test(v))
      .sort((a, b) => Number(b) - Number(a));
    candidates.push(...versions.map((v) => join(debian, v, 'bin')));
  }
  for (const dir of (process.env.PATH ?? '').split(':')) if (dir) candidates.push(dir);
  return candidates.find((dir) => existsSync(join(dir, 'initdb')) && existsSync(join(dir, 'pg_ctl')));
}

/** A free TCP port on the loopback interface. */
function freePort() {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolvePort(port));
    });
  });
}

/** Runs a PostgreSQL program, as the `postgres` user when this process is root. */
function runAs(asPostgres, program, args) {
  const [cmd, argv] = asPostgres ? ['runuser', ['-u', 'postgres', '--', program, ...args]] : [program, args];
  const result = spawnSync(cmd, argv, { encoding: 'utf8' });
  if (result.error) throw result.error;
  if (result.status !== 0) {
    throw new Error(`${program} ${args[0] ?? ''} failed (exit ${result.status}): ${(result.stderr || result.stdout).trim()}`);
  }
  return result.stdout;
}

function postgresUid() {
  const out = execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8' }).trim();
  const gid = execFileSync('id', ['-g', 'postgres'], { encoding: 'utf8' }).trim();
  return { uid: Number(out), gid: Number(gid) };
}

/**
 * Starts a fresh cluster and resolves with its URL and a `stop()` that shuts it down and removes its
 * files. `durable: false` turns fsync off: for tests only, where a crash loses nothing of value
 * (`keepCommitsOnCrash: true` keeps every acknowledged commit through an immediate stop of the server).
 * `settings` adds server settings (name: value, no spaces in the value), e.g. shared_preload_libraries.
 * Throws with a readable message when PostgreSQL is not installed.
 */
export async function startPostgres(options = {}) {
  const bin = findPostgresBin();
  if (!bin) {
    throw new Error('PostgreSQL is not installed: apt-get install -y postgresql (or set HOTLINE_PG_BIN to the directory of initdb and pg_ctl)');
  }
  const asPostgres = process.getuid?.() === 0;
  const dir = mkdtempSync(join(tmpdir(), 'hotline-pg-'));
  if (asPostgres) {
    const { uid, gid } = postgresUid();
    chownSync(dir, uid, gid);
  }
  const data = join(dir, 'data');
  const pgCtl = (args) => runAs(asPostgres, join(bin, 'pg_ctl'), args);
  let settings = [];
  let port;
  const start = () => pgCtl(['start', '-D', data, '-w', '-l', join(dir, 'log'), '-o', `-p ${port} ${settings.join(' ')}`]);
  /** The server's process id while it runs (the first line of postmaster.pid), else undefined. */
  const pid = () => {
    const file = join(data, 'postmaster.pid');
    return existsSync(file) ? Number(readFileSync(file, 'utf8').split('\n')[0]) : undefined;
  };
  /** Stops the server and keeps its files, so that `restart()` starts it again on the same port. */
  const halt = (mode = 'fast') => {
    pgCtl(['stop', '-D', data, '-m', mode, '-w']);
  };
  const stop = () => {
    if (existsSync(join(data, 'postmaster.pid'))) {
      try {
        // Its files go next: nothing to write back first.
        runAs(asPostgres, join(bin, 'pg_ctl'), ['stop', '-D', data, '-m', 'immediate', '-w']);
      } catch {
        // Already stopped: nothing to wait for.
      }
    }
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    runAs(asPostgres, join(bin, 'initdb'), ['-D', data, '-A', 'trust', '-U', 'postgres', '--no-instructions', '--no-sync', '-E', 'UTF8', '--locale=C']);
    settings = [`-k ${dir}`, '-c listen_addresses=127.0.0.1', `-c max_connections=${options.maxConnections ?? 200}`];
    if (options.durable === false) settings.push('-c fsync=off', '-c full_page_writes=off');
    // Without it a commit is acknowledged before it leaves the server's memory, and an immediate stop
    // (a crash) loses it; with fsync off it still reaches the system's cache, which a crash of the
    // server alone does not lose.
    if (options.durable === false && !options.keepCommitsOnCrash) settings.push('-c synchronous_commit=off');
    for (const [name, value] of Object.entries(options.settings ?? {})) settings.push(`-c ${name}=${value}`);
    // A port taken between freePort() and the server's bind is tried again with another.
    for (let tries = 1; ; tries += 1) {
      port = options.port ?? (await freePort());
      try {
        start();
        return { url: `postgres://postgres@127.0.0.1:${port}/postgres`, dir, port, pid, halt, restart: start, stop };
      } catch (err) {
        if (options.port !== undefined || tries >= 3) throw err;
      }
    }
  } catch (err) {
    const log = existsSync(join(dir, 'log')) ? readFileSync(join(dir, 'log'), 'utf8').trim().split('\n').slice(-5).join('\n') : '';
    stop();
    throw new Error(`${err.message}${log ? `\n${log}` : ''}`);
  }
}

async function main(args) {
  if (args[0] === 'stop') {
    if (!existsSync(STATE_FILE)) {
      console.log('no detached PostgreSQL is running');
      return;
    }
    const { dir } = JSON.parse(readFileSync(STATE_FILE, 'utf8'));
    const bin = findPostgresBin();
    const asPostgres = process.getuid?.() === 0;
    if (bin && existsSync(join(dir, 'data', 'postmaster.pid'))) {
      runAs(asPostgres, join(bin, 'pg_ctl'), ['stop', '-D', join(dir, 'data'), '-m', 'fast', '-w']);
    }
    rmSync(dir, { recursive: true, force: true });
    unlinkSync(STATE_FILE);
    console.log('PostgreSQL stopped and its files removed');
    return;
  }
  const detach = args.includes('--detach');
  const portArg = args.find((a) => a.startsWith('--port='));
  if (detach && existsSync(STATE_FILE)) {
    const { url } = JSON.parse(readFileSync(STATE_FILE, 'utf8'));
    throw new Error(`a detached PostgreSQL is already running at ${url} (npm run postgres -- stop)`);
  }
  const cluster = await startPostgres(portArg ? { port: Number(portArg.slice('--port='.length)) } : {});
  console.log(cluster.url);
  console.error(`HOTLINE_DATABASE_URL=${cluster.url}`);
  if (detach) {
    writeFileSync(STATE_FILE, JSON.stringify({ url: cluster.url, dir: cluster.dir }));
    console.error('running in the background; stop it with: npm run postgres -- stop');
    return;
  }
  console.error('running until Ctrl-C; the data is removed when it stops');
  const shutdown = () => {
    cluster.stop();
    process.exit(0);
  };
  process.on('SIGINT', shutdown);
  process.on('SIGTERM', shutdown);
  process.on('SIGHUP', shutdown);
  setInterval(() => {}, 1 << 30);
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main(process.argv.slice(2)).catch((err) => {
    console.error(`postgres: ${err.message}`);
    process.exit(1);
  });
}
