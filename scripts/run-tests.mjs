#!/usr/bin/env node
// Runs every *.test.ts under packages/*/test with Node's built-in test runner.
// TypeScript is loaded through tsx; the "weft-src" condition makes workspace
// packages resolve to their sources, so tests never run stale builds.
// Usage: node scripts/run-tests.mjs [filter-substring ...]
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';

function findTests(dir, out) {
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) findTests(path, out);
    else if (name.endsWith('.test.ts')) out.push(path);
  }
  return out;
}

const filters = process.argv.slice(2);
const files = [];
for (const pkg of readdirSync('packages')) {
  try { findTests(join('packages', pkg, 'test'), files); } catch { /* package without tests */ }
}
const selected = files.sort().filter((f) => filters.length === 0 || filters.some((s) => f.includes(s)));
if (selected.length === 0) { console.error('no test files matched'); process.exit(1); }
const result = spawnSync(process.execPath, [
  '--conditions=weft-src', '--import', 'tsx',
  '--test', `--test-concurrency=${process.env.TEST_CONCURRENCY ?? 2}`,
  ...selected,
], { stdio: 'inherit' });
process.exit(result.status ?? 1);
