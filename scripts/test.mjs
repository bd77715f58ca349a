#!/usr/bin/env node
// The project's test command: type check, the promise lint, then every vitest suite; ends with "N passed, N failed".
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const bin = (name) => join('node_modules', '.bin', name);
let failed = 0;
let passed = 0;

console.log('> tsc --noEmit');
const typecheck = spawnSync(bin('tsc'), ['-p', 'tsconfig.json', '--noEmit'], { stdio: 'inherit' });
if (typecheck.status === 0) passed += 1;
else failed += 1;

// Every promise of the storage port awaited: an unawaited write may not have happened (eslint.config.js).
console.log('> eslint (promises)');
const lint = spawnSync(bin('eslint'), ['src', 'voice-flows', 'test', 'bench', 'scripts'], { stdio: 'inherit' });
if (lint.status === 0) passed += 1;
else failed += 1;

const out = join(mkdtempSync(join(tmpdir(), 'hotline-test-')), 'vitest.json');
const vitest = spawnSync(
  bin('vitest'),
  ['run', '--reporter=default', '--reporter=json', `--outputFile.json=${out}`, ...process.argv.slice(2)],
  { stdio: 'inherit' },
);
if (existsSync(out)) {
  const report = JSON.parse(readFileSync(out, 'utf8'));
  passed += report.numPassedTests;
  failed += report.numFailedTests + (report.numRuntimeErrorTestSuites ?? 0);
  if (!report.success && report.numFailedTests === 0 && !report.numRuntimeErrorTestSuites) failed += 1;
} else {
  failed += 1;
}
if (vitest.status !== 0 && failed === 0) failed += 1;
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed === 0 ? 0 : 1);
