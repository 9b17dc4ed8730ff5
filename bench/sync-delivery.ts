// Benchmark: send → another client's /sync delivery latency at a steady
// 500 msg/s (one sender, one long-polling receiver), on a real server over
// loopback HTTP. Latency = time the receiver's /sync response arrives minus the
// time the sender issued the PUT. Prints one JSON object.
// Run: node --conditions=weft-src --import tsx bench/sync-delivery.ts [--engine sqlite|postgres] [--rate 500] [--seconds 6]
import { performance } from 'node:perf_hooks';
import { startTestServer, type Engine } from '../packages/server/test/harness.js';

const arg = (name: string, dflt: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1]! : dflt;
};
const engine = arg('engine', 'sqlite') as Engine;
const ratePerSec = Number(arg('rate', '500'));
const seconds = Number(arg('seconds', '6'));
const V3 = '/_matrix/client/v3';

const hs = await startTestServer({ engine });
try {
  const alice = await hs.register('bench_sender');
  const bob = await hs.register('bench_receiver');
  const created = await hs.request('POST', `${V3}/createRoom`, { preset: 'public_chat' }, alice.accessToken);
  const roomId = created.body.room_id as string;
  const r = encodeURIComponent(roomId);
  await hs.request('POST', `${V3}/join/${r}`, {}, bob.accessToken);

  const sentAt = new Map<string, number>();
  const latencies: number[] = [];
  let since = (await hs.request('GET', `${V3}/sync?set_presence=offline`, undefined, bob.accessToken)).body.next_batch as string;
  let receiving = true;
  const total = Math.round(ratePerSec * seconds);

  const receiver = (async () => {
    while (receiving) {
      const res = await hs.request('GET', `${V3}/sync?since=${since}&timeout=2000&set_presence=offline`, undefined, bob.accessToken);
      const now = performance.now();
      since = res.body.next_batch;
      const events = res.body.rooms?.join?.[roomId]?.timeline?.events ?? [];
      for (const e of events) {
        const t = sentAt.get(e.content?.seq);
        if (t !== undefined) latencies.push(now - t);
      }
      if (latencies.length >= total) break;
    }
  })();

  const intervalMs = 1000 / ratePerSec;
  const start = performance.now();
  for (let i = 0; i < total; i++) {
    const due = start + i * intervalMs;
    const wait = due - performance.now();
    if (wait > 0) await new Promise((res) => setTimeout(res, wait));
    const seq = `m${i}`;
    sentAt.set(seq, performance.now());
    const res = await hs.request('PUT', `${V3}/rooms/${r}/send/m.room.message/${seq}`, { msgtype: 'm.text', body: 'bench message', seq }, alice.accessToken);
    if (res.status !== 200) throw new Error(`send failed ${res.status} ${JSON.stringify(res.body)}`);
  }
  const sendSeconds = (performance.now() - start) / 1000;
  const deadline = Date.now() + 10_000;
  while (latencies.length < total && Date.now() < deadline) await new Promise((res) => setTimeout(res, 20));
  receiving = false;
  await receiver.catch(() => {});

  latencies.sort((a, b) => a - b);
  const pct = (p: number) => Math.round(latencies[Math.min(latencies.length - 1, Math.floor((p / 100) * latencies.length))]! * 100) / 100;
  console.log(JSON.stringify({
    bench: 'sync-delivery',
    engine,
    node: process.version,
    targetRatePerSec: ratePerSec,
    achievedRatePerSec: Math.round(total / sendSeconds),
    messages: total,
    delivered: latencies.length,
    latencyMs: { p50: pct(50), p90: pct(90), p99: pct(99), max: pct(100) },
  }));
} finally {
  await hs.close();
}
