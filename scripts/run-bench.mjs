#!/usr/bin/env node
// Runs the benchmarks in bench/ one after another; each prints one JSON object.
// Usage: npm run bench [-- name-substring ...]   (needs a build for bench/startup.ts)
import { readdirSync } from 'node:fs';
import { spawnSync } from 'node:child_process';

const filters = process.argv.slice(2);
const benches = readdirSync('bench').filter((f) => f.endsWith('.ts'))
  .filter((f) => filters.length === 0 || filters.some((s) => f.includes(s))).sort();
let failed = 0;
for (const file of benches) {
  console.error(`# bench/${file}`);
  const r = spawnSync(process.execPath, ['--conditions=weft-src', '--import', 'tsx', `bench/${file}`], { stdio: 'inherit' });
  if (r.status !== 0) failed++;
}
process.exit(failed ? 1 : 0);
