/**
 * npm run bench -- --compare REF: another commit of the hotline, checked out in a git worktree of its
 * own, run in the same bench as the code here, against the same floor, and the rule the two are held to.
 */
import { execFileSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, realpathSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { RunSummary } from './report.js';

/** The hotline's entry, as bench/run.ts starts it (node --import tsx src/main.ts), in this commit and in the one compared. */
export const SERVER_ENTRY = 'src/main.ts';

/** A commit of the hotline, or the code here (HEAD plus any uncommitted change). */
export interface Revision {
  /** What it was asked as (HEAD~1, a branch, a sha), or 'HEAD' for the code here. */
  ref: string;
  commit: string;
  short: string;
  subject: string;
  /** Code here only: tracked files differ from HEAD. */
  uncommitted?: boolean;
}

/** REF checked out for the bench. */
export interface Checkout extends Revision {
  dir: string;
  /** How its node_modules came: this checkout's, by symlink (same package-lock.json), or its own npm ci. */
  dependencies: 'shared' | 'npm ci';
  /** Removes the worktree and its temporary directory; safe to call twice. */
  remove(): void;
}

const git = (root: string, ...args: string[]) =>
  execFileSync('git', ['-C', root, ...args], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim();

function revision(root: string, ref: string): Revision {
  let commit: string;
  try {
    commit = git(root, 'rev-parse', '--verify', '--end-of-options', `${ref}^{commit}`);
  } catch {
    throw new Error(`--compare ${ref}: not a commit of this repository`);
  }
  return { ref, commit, short: commit.slice(0, 7), subject: git(root, 'log', '-1', '--format=%s', commit) };
}

/** The code the bench runs here: HEAD, and whether tracked files were changed since. */
export function here(root: string): Revision {
  return { ...revision(root, 'HEAD'), uncommitted: git(root, 'status', '--porcelain', '--untracked-files=no') !== '' };
}

/**
 * Checks REF out in a detached git worktree under the system's temporary directory. Its dependencies
 * are this checkout's node_modules, by symlink, when its package-lock.json is the same as this one;
 * otherwise its own `npm ci` (native modules built against the system's Node headers, /usr).
 */
export function checkOut(root: string, ref: string, log: (message: string) => void): Checkout {
  const rev = revision(root, ref);
  const parent = mkdtempSync(join(tmpdir(), 'hotline-bench-ref-'));
  const dir = join(parent, 'hotline');
  let removed = false;
  const remove = () => {
    if (removed) return;
    removed = true;
    try {
      git(root, 'worktree', 'remove', '--force', dir);
    } catch {
      // Not added, or already gone: forget it below.
    }
    rmSync(parent, { recursive: true, force: true });
    try {
      git(root, 'worktree', 'prune');
    } catch {
      // Nothing to prune.
    }
  };
  try {
    git(root, 'worktree', 'add', '--detach', dir, rev.commit);
    if (!existsSync(join(dir, SERVER_ENTRY))) throw new Error(`--compare ${ref}: ${rev.short} has no ${SERVER_ENTRY}`);
    if (!existsSync(join(dir, 'bench', 'seed.ts'))) {
      // Older than the bench: seeded with today's seed over its own domain code, if that still fits.
      log(`${rev.short} has no bench/seed.ts: seeding its database with this checkout's`);
      mkdirSync(join(dir, 'bench'), { recursive: true });
      copyFileSync(join(root, 'bench', 'seed.ts'), join(dir, 'bench', 'seed.ts'));
    }
    const lock = (at: string) => (existsSync(join(at, 'package-lock.json')) ? readFileSync(join(at, 'package-lock.json')) : undefined);
    const ours = lock(root);
    const theirs = lock(dir);
    let dependencies: Checkout['dependencies'];
    if (ours && theirs && ours.equals(theirs)) {
      symlinkSync(realpathSync(join(root, 'node_modules')), join(dir, 'node_modules'), 'dir');
      dependencies = 'shared';
    } else {
      log(`${rev.short}'s package-lock.json differs from this checkout's: npm ci in ${dir}`);
      execFileSync('npm', ['ci', '--no-audit', '--no-fund'], {
        cwd: dir,
        env: { ...process.env, npm_config_nodedir: '/usr' },
        stdio: ['ignore', 'inherit', 'inherit'],
        timeout: 15 * 60_000,
      });
      dependencies = 'npm ci';
    }
    return { ...rev, dir, dependencies, remove };
  } catch (err) {
    remove();
    throw err;
  }
}

/** The rule the code here is held to against REF, per scenario: new / REF at most `limit`. */
export const RULES: Record<string, Array<{ figure: 'cpu' | 'p99'; limit: number }>> = {
  'closed-50': [{ figure: 'cpu', limit: 1.05 }],
  'paced-1000': [
    { figure: 'cpu', limit: 1.05 },
    { figure: 'p99', limit: 1.1 },
  ],
};

export const RULE_TEXT =
  'no more CPU per request than REF (within 5%) in the closed loop (closed-50) and in the paced scenario (paced-1000), and paced p99 no higher (within 10%)';

export interface Figures {
  requestsPerSecond: number;
  cpuUsPerRequest: number;
  kernelUsPerRequest: number;
  p50Ms: number;
  p99Ms: number;
  failed: number;
  otherLoadCores: number;
}

export interface Check {
  figure: 'cpu' | 'p99';
  ratio: number;
  limit: number;
  met: boolean;
}

export interface Comparison {
  scenario: string;
  new: Figures;
  ref: Figures;
  /** new / REF, to 3 decimals. */
  ratio: { requestsPerSecond: number; cpuUsPerRequest: number; p50: number; p99: number };
  checks: Check[];
}

const figures = (r: RunSummary): Figures => ({
  requestsPerSecond: r.overall.requestsPerSecond,
  cpuUsPerRequest: r.serverCpuUsPerRequest,
  kernelUsPerRequest: r.serverSystemCpuUsPerRequest,
  p50Ms: r.overall.p50Ms,
  p99Ms: r.overall.p99Ms,
  failed: r.overall.failed,
  otherLoadCores: r.otherLoadCores,
});

const over = (a: number, b: number) => Math.round((a / (b || 1)) * 1000) / 1000;

export function compare(scenario: string, fresh: RunSummary, ref: RunSummary): Comparison {
  const n = figures(fresh);
  const r = figures(ref);
  const ratio = {
    requestsPerSecond: over(n.requestsPerSecond, r.requestsPerSecond),
    cpuUsPerRequest: over(n.cpuUsPerRequest, r.cpuUsPerRequest),
    p50: over(n.p50Ms, r.p50Ms),
    p99: over(n.p99Ms, r.p99Ms),
  };
  const checks = (RULES[scenario] ?? []).map(({ figure, limit }) => {
    const value = figure === 'cpu' ? ratio.cpuUsPerRequest : ratio.p99;
    return { figure, ratio: value, limit, met: value <= limit };
  });
  return { scenario, new: n, ref: r, ratio, checks };
}

export interface Verdict {
  met: boolean;
  /** Rules whose scenario was not run (--only): the verdict does not cover them. */
  notRun: string[];
  text: string;
}

const checkText = (c: Check) => `${c.figure === 'cpu' ? 'CPU/req' : 'p99'} ${c.ratio.toFixed(2)}x REF's (at most ${c.limit.toFixed(2)}x): ${c.met ? 'met' : '**MISSED**'}`;

export function verdict(comparisons: Comparison[], disturbedCores: number): Verdict {
  const missed = comparisons.flatMap((c) => c.checks.filter((k) => !k.met).map((k) => `${c.scenario} ${checkText(k)}`));
  const notRun = Object.keys(RULES).filter((name) => !comparisons.some((c) => c.scenario === name));
  const disturbed = comparisons.filter((c) => Math.max(c.new.otherLoadCores, c.ref.otherLoadCores) > disturbedCores).map((c) => c.scenario);
  const met = missed.length === 0;
  const text =
    (met ? '**met**: no more CPU per request than REF, and no higher paced p99, within the allowances' : `**NOT MET**: ${missed.join('; ')}`) +
    (notRun.length ? ` (not run, so not judged: ${notRun.join(', ')})` : '') +
    (disturbed.length ? ` (disturbed by other load in ${disturbed.join(', ')}: run it again before trusting it)` : '');
  return { met, notRun, text };
}

const label = (rev: Revision) => `${rev.short}${rev.uncommitted ? '+' : ''}`;
const ms = (v: number) => (v < 10 ? v.toFixed(2) : v < 100 ? v.toFixed(1) : v.toFixed(0));
const x = (v: number) => v.toFixed(2);

/** One row per scenario, the two servers side by side, each figure with its ratio new/REF, and the rule. */
export function formatComparison(comparisons: Comparison[], fresh: Revision, ref: Revision): string {
  const n = label(fresh);
  const r = label(ref);
  const lines = [
    `| scenario | req/s ${n} | req/s ${r} | new/REF | CPU us/req ${n} | CPU us/req ${r} | new/REF | p50 ms ${n} | p50 ms ${r} | new/REF | p99 ms ${n} | p99 ms ${r} | new/REF | rule |`,
    '| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |',
  ];
  for (const c of comparisons) {
    lines.push(
      `| ${c.scenario} | ${c.new.requestsPerSecond} | ${c.ref.requestsPerSecond} | ${x(c.ratio.requestsPerSecond)} ` +
        `| ${c.new.cpuUsPerRequest} (${c.new.kernelUsPerRequest}) | ${c.ref.cpuUsPerRequest} (${c.ref.kernelUsPerRequest}) | ${x(c.ratio.cpuUsPerRequest)} ` +
        `| ${ms(c.new.p50Ms)} | ${ms(c.ref.p50Ms)} | ${x(c.ratio.p50)} | ${ms(c.new.p99Ms)} | ${ms(c.ref.p99Ms)} | ${x(c.ratio.p99)} ` +
        `| ${c.checks.length ? c.checks.map(checkText).join(', ') : 'none'}` +
        `${c.new.failed || c.ref.failed ? `; failed ${c.new.failed} / ${c.ref.failed}` : ''} |`,
    );
  }
  return lines.join('\n');
}

const clip = (text: string) => (text.length > 80 ? `${text.slice(0, 79)}…` : text);

/** Who is compared with whom, for the report's heading. */
export function describe(fresh: Revision, ref: Checkout): string {
  return (
    `new: ${label(fresh)} (${fresh.uncommitted ? 'HEAD with uncommitted changes' : clip(fresh.subject)}); ` +
    `REF: ${ref.ref} = ${label(ref)} (${clip(ref.subject)}), its dependencies ${ref.dependencies === 'shared' ? "this checkout's (same package-lock.json)" : 'from its own npm ci'}`
  );
}
