// Helper for the sync benchmarks (not a benchmark itself): runs a test server in its own process (so the
// benchmark's HTTP clients do not share the server's event loop), reports its
// base URL over IPC and stops when told to. On 'loop-delay' it reports the
// server's event-loop delay (p99/max, ms) since the previous such request, and
// its major/minor GC pause totals — to tell server stalls from queueing.
import { monitorEventLoopDelay, PerformanceObserver } from 'node:perf_hooks';
import { startTestServer, type Engine } from '../../packages/server/test/harness.js';

const engine = (process.argv[2] ?? 'sqlite') as Engine;
const hs = await startTestServer({ engine });
const delay = monitorEventLoopDelay({ resolution: 1 });
delay.enable();
const gc = { majorMs: 0, minorMs: 0, maxMs: 0 };
new PerformanceObserver((list) => {
  for (const e of list.getEntries()) {
    const kind = (e as unknown as { detail?: { kind?: number } }).detail?.kind;
    if (kind === 1) gc.minorMs += e.duration;
    else gc.majorMs += e.duration;
    gc.maxMs = Math.max(gc.maxMs, e.duration);
  }
}).observe({ entryTypes: ['gc'] });
process.send!({ baseUrl: hs.baseUrl });
process.on('message', async (msg) => {
  if (msg === 'loop-delay') {
    process.send!({
      loopDelayMs: { p99: delay.percentile(99) / 1e6, max: delay.max / 1e6 },
      gcMs: { major: Math.round(gc.majorMs), minor: Math.round(gc.minorMs), longest: Math.round(gc.maxMs * 10) / 10 },
    });
    delay.reset();
    gc.majorMs = gc.minorMs = gc.maxMs = 0;
  }
  if (msg === 'close') {
    await hs.close();
    process.exit(0);
  }
});
