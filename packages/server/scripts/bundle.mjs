#!/usr/bin/env node
// Optional start-up optimisation, run after `tsc -b` by the root `build`/`prepare`
// scripts: bundles dist/cli.js (with @weft/core, kysely, pino, yaml, better-sqlite3, …)
// into one ESM file, dist/weft.bundle.mjs. Loading one file instead of ~700
// modules halves start-up CPU time and saves ~10 MB RSS. bin/weft.js uses the
// bundle only when it is newer than the last TypeScript build. better-sqlite3's
// JavaScript is bundled too (its native addon is loaded by path, see
// storage/dialect.ts): resolving and compiling its 13 CommonJS files was start-up's
// one loop hot enough for V8's optimising compiler, whose code then stayed resident
// (≈ 3.5 MB of idle RSS). The optional PostgreSQL driver, sharp (native, loaded on
// the first thumbnail) and undici (loaded with the first push to a gateway) stay
// external: in the bundle their source alone would cost start-up time and memory.
// Never fails the build: without esbuild (a dependency of tsx) it just skips.
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const pkgDir = join(dirname(fileURLToPath(import.meta.url)), '..');
let esbuild;
try {
  esbuild = await import('esbuild');
} catch {
  console.warn('weft: esbuild not installed; skipping the start-up bundle (dist/cli.js is used)');
  process.exit(0);
}
try {
  await esbuild.build({
    entryPoints: [join(pkgDir, 'dist', 'cli.js')],
    outfile: join(pkgDir, 'dist', 'weft.bundle.mjs'),
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    external: ['pg', 'pg-native', 'sharp', 'undici'],
    // CommonJS dependencies inside an ESM bundle need a `require`.
    banner: { js: "import { createRequire as __weftCreateRequire } from 'node:module'; const require = __weftCreateRequire(import.meta.url);" },
    // Minified and ASCII-only: V8 keeps the bundle's source text in the heap (functions
    // compile lazily from it) — 2.9 MB as a two-byte string took 5.9 MB, minified ASCII
    // 1.5 MB. keepNames keeps class and function names in stack traces and logs.
    minify: true,
    keepNames: true,
    charset: 'ascii',
    logLevel: 'warning',
  });
} catch (err) {
  console.warn(`weft: bundling failed, dist/cli.js will be used: ${err?.message ?? err}`);
}
