#!/usr/bin/env node
// The `weft` command. Runs the compiled server (npm ci / npm run build produce dist/).
// dist/weft.bundle.mjs (scripts/bundle.mjs) starts faster; it is used only when it is
// newer than the last TypeScript build of both packages, so a stale bundle never runs.
import { statSync } from 'node:fs';
import { setFlagsFromString } from 'node:v8';

// Start-up makes many short-lived objects (parsing, config, migrations); left to itself V8
// grows the young generation for them and keeps it (MBs of an idle server's RSS) until its
// memory reducer runs half a minute later. Keep it at its initial size until the server
// listens; cli.ts restores the default growth then, for throughput under load.
if (process.argv[2] === 'start') setFlagsFromString('--semi-space-growth-factor=1');

const here = new URL('..', import.meta.url);
const mtime = (rel) => {
  try {
    return statSync(new URL(rel, here)).mtimeMs;
  } catch {
    return undefined;
  }
};
const bundle = mtime('dist/weft.bundle.mjs');
const builds = [mtime('tsconfig.tsbuildinfo'), mtime('../core/tsconfig.tsbuildinfo'), mtime('dist/cli.js')];
const fresh = bundle !== undefined && builds.every((t) => t === undefined || t <= bundle);
const entry = fresh && !process.env.WEFT_NO_BUNDLE ? '../dist/weft.bundle.mjs' : '../dist/cli.js';

import(entry).then((cli) => cli.main(process.argv.slice(2))).catch((err) => {
  console.error(err?.stack ?? err);
  process.exit(1);
});
