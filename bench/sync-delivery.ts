// Benchmark: send → another client's /sync delivery latency at a steady
// 500 msg/s (one sender, one long-polling receiver), on a real server (in its own process) over
// loopback HTTP. Latency = time the receiver's /sync response arrives minus the
// time the sender issued the PUT. Prints one JSON object.
// Run: node --conditions=weft-src --import tsx bench/sync-delivery.ts [--engine sqlite|postgres] [--rate 500] [--seconds 6]
import { performance } from 'node:perf_hooks';
import { startBenchServer } from './lib/syncBenchServer.js';

const arg = (name: string, dflt: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1]! : dflt;
};
const engine = arg('engine', 'sqlite');
const ratePerSec = Number(arg('rate', '500'));
const seconds = Number(arg('seconds', '6'));
const V3 = '/_matrix/client/v3';

const hs = await startBenchServer(engine);
try {
  const alice = await hs.register('bench_sender');
  const bob = await hs.register('bench_receiver');
  const created = await hs.request('POST', `${V3}/createRoom`, { preset: 'public_chat' }, alice.accessToken);
  const roomId = created.body.room_id as string;
  const r = encodeURIComponent(roomId);
  await hs.request('POST', `${V3}/join/${r}`, {}, bob.accessToken);

  // A timeline limit above any batch, so every message is delivered (not skipped as `limited`).
  const filter = encodeURIComponent(JSON.stringify({ room: { timeline: { limit: 1000 } } }));
  const sentAt = new Map<string, number>();
  const latencies: number[] = [];
  /** PUT /send round trips, for context: delivery cannot beat the write. */
  const ackLatencies: number[] = [];
  const ackedAt = new Map<string, number>();
  const receivedAt = new Map<string, number>();
  let since = (await hs.request('GET', `${V3}/sync?set_presence=offline`, undefined, bob.accessToken)).body.next_batch as string;
  let receiving = true;
  const total = Math.round(ratePerSec * seconds);

  let syncRequests = 0;
  const receiver = (async () => {
    while (receiving) {
      syncRequests++;
      const res = await hs.request('GET', `${V3}/sync?since=${since}&timeout=2000&set_presence=offline&filter=${filter}`, undefined, bob.accessToken);
      const now = performance.now();
      since = res.body.next_batch;
      const events = res.body.rooms?.join?.[roomId]?.timeline?.events ?? [];
      for (const e of events) {
        const t = sentAt.get(e.content?.seq);
        if (t !== undefined) {
          latencies.push(now - t);
          receivedAt.set(e.content.seq, now);
        }
      }
      if (latencies.length >= total) break;
    }
  })();

  // Open-loop sender: each PUT is issued at its scheduled time whether or not the
  // previous one was acknowledged (at most MAX_IN_FLIGHT outstanding), so the
  // offered load is the target rate and not 1 / send latency.
  const MAX_IN_FLIGHT = 32;
  const intervalMs = 1000 / ratePerSec;
  const serverCpu0 = hs.cpuMs();
  await hs.loopStats(); // reset
  const clientCpu0 = process.cpuUsage();
  const start = performance.now();
  const inFlight = new Set<Promise<void>>();
  let failures = 0;
  for (let i = 0; i < total; i++) {
    const due = start + i * intervalMs;
    const wait = due - performance.now();
    if (wait > 0) await new Promise((res) => setTimeout(res, wait));
    while (inFlight.size >= MAX_IN_FLIGHT) await Promise.race(inFlight);
    const seq = `m${i}`;
    sentAt.set(seq, performance.now());
    const p: Promise<void> = hs
      .request('PUT', `${V3}/rooms/${r}/send/m.room.message/${seq}`, { msgtype: 'm.text', body: 'bench message', seq }, alice.accessToken)
      .then((res) => {
        if (res.status !== 200) failures++;
        const now = performance.now();
        ackLatencies.push(now - sentAt.get(seq)!);
        ackedAt.set(seq, now);
      })
      .finally(() => inFlight.delete(p));
    inFlight.add(p);
  }
  await Promise.all(inFlight);
  if (failures > 0) throw new Error(`${failures} sends failed`);
  const sendSeconds = (performance.now() - start) / 1000;
  const serverLoop = await hs.loopStats();
  const serverCpuPct = Math.round(((hs.cpuMs() - serverCpu0) / 10) / sendSeconds);
  const clientCpu = process.cpuUsage(clientCpu0);
  const clientCpuPct = Math.round((clientCpu.user + clientCpu.system) / 1e4 / sendSeconds);
  const deadline = Date.now() + 10_000;
  while (latencies.length < total && Date.now() < deadline) await new Promise((res) => setTimeout(res, 20));
  receiving = false;
  await receiver.catch(() => {});

  const pctOf = (xs: number[], p: number) => {
    const sorted = [...xs].sort((a, b) => a - b);
    return Math.round(sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]! * 100) / 100;
  };
  const pct = (p: number) => pctOf(latencies, p);
  console.log(JSON.stringify({
    bench: 'sync-delivery',
    engine,
    node: process.version,
    targetRatePerSec: ratePerSec,
    achievedRatePerSec: Math.round(total / sendSeconds),
    // Busy share of one core while sending: the server (all its threads) and this load generator.
    serverCpuPercent: serverCpuPct,
    clientCpuPercent: clientCpuPct,
    syncRequests,
    // The server's own stalls while sending: event-loop delay and GC pauses.
    serverLoop,
    messages: total,
    delivered: latencies.length,
    latencyMs: { p50: pct(50), p90: pct(90), p99: pct(99), max: pct(100) },
    sendAckMs: { p50: pctOf(ackLatencies, 50), p99: pctOf(ackLatencies, 99) },
    // Receiver's /sync arrival minus the sender's PUT acknowledgement (negative: delivered first).
    deliveryMinusAckMs: (() => {
      const d = [...receivedAt].filter(([k]) => ackedAt.has(k)).map(([k, v]) => v - ackedAt.get(k)!);
      return { p50: pctOf(d, 50), p99: pctOf(d, 99) };
    })(),
  }));
} finally {
  await hs.close();
}
