// Benchmark: time from process start to the first answer of the client API, and
// idle RSS, for the compiled server as `npm start` runs it (packages/server/bin/weft.js).
// Needs a build (`npm run build`; `npm ci` does one). Prints one JSON object.
// Run: node --conditions=weft-src --import tsx bench/startup.ts [--runs 5] [--idle-seconds 5]
import { spawn, execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';

const arg = (name: string, dflt: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1]! : dflt;
};
const runs = Number(arg('runs', '5'));
const idleSeconds = Number(arg('idle-seconds', '5'));
const bin = join(import.meta.dirname, '..', 'packages', 'server', 'bin', 'weft.js');

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

function rssMb(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = Number(/VmRSS:\s+(\d+)/.exec(status)![1]);
  return Math.round((kb / 1024) * 10) / 10;
}

const startMs: number[] = [];
const idleRss: number[] = [];
for (let run = 0; run < runs; run++) {
  const dir = mkdtempSync(join(tmpdir(), 'weft-startup-'));
  const port = 20000 + Math.floor(Math.random() * 20000);
  execFileSync(process.execPath, [bin, 'generate-config', '--server-name', 'bench.test', '--data-dir', dir, '--client-port', String(port)]);
  // A first start creates the database; measure the second, like a restart.
  for (const measured of [false, true]) {
    const t0 = performance.now();
    const child = spawn(process.execPath, [bin, 'start', '--config', join(dir, 'homeserver.yaml')], { stdio: 'ignore' });
    let answeredAt: number | undefined;
    while (answeredAt === undefined) {
      try {
        const res = await fetch(`http://127.0.0.1:${port}/_matrix/client/versions`);
        if (res.ok) answeredAt = performance.now();
        await res.arrayBuffer();
      } catch {
        await sleep(2);
      }
      if (performance.now() - t0 > 30_000) throw new Error('server did not answer within 30 s');
    }
    if (measured) {
      startMs.push(answeredAt - t0);
      await sleep(idleSeconds * 1000);
      idleRss.push(rssMb(child.pid!));
    }
    child.kill('SIGTERM');
    await new Promise((r) => child.once('exit', r));
  }
  rmSync(dir, { recursive: true, force: true });
}

console.log(JSON.stringify({
  bench: 'startup',
  runs,
  startToFirstAnswerMs: { median: Math.round(median(startMs)), min: Math.round(Math.min(...startMs)), max: Math.round(Math.max(...startMs)) },
  idleRssMb: { median: median(idleRss), min: Math.min(...idleRss), max: Math.max(...idleRss) },
  node: process.version,
}));
