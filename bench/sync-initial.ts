// Benchmark: initial /sync (no since, default filter: timeline limit 10) for a
// user joined to 100 rooms, each with a name, a topic and 20 messages, on a
// real server (in its own process) over loopback HTTP. Prints one JSON object with the median and
// p90 of several runs, and the response size.
// Run: node --conditions=weft-src --import tsx bench/sync-initial.ts [--engine sqlite|postgres] [--rooms 100]
import { performance } from 'node:perf_hooks';
import { startBenchServer } from './lib/syncBenchServer.js';

const arg = (name: string, dflt: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1]! : dflt;
};
const engine = arg('engine', 'sqlite');
const roomCount = Number(arg('rooms', '100'));
const messagesPerRoom = 20;
const runs = 11;
const V3 = '/_matrix/client/v3';

const hs = await startBenchServer(engine);
try {
  const alice = await hs.register('bench_alice');
  const bob = await hs.register('bench_bob');
  let txn = 0;
  for (let i = 0; i < roomCount; i++) {
    const res = await hs.request('POST', `${V3}/createRoom`, { preset: 'public_chat', name: `Room ${i}`, topic: `Topic ${i}` }, alice.accessToken);
    if (res.status !== 200) throw new Error(`createRoom ${res.status} ${JSON.stringify(res.body)}`);
    const r = encodeURIComponent(res.body.room_id as string);
    await hs.request('POST', `${V3}/join/${r}`, {}, bob.accessToken);
    for (let j = 0; j < messagesPerRoom; j++) {
      await hs.request('PUT', `${V3}/rooms/${r}/send/m.room.message/t${++txn}`, { msgtype: 'm.text', body: `message ${j}` }, j % 2 ? alice.accessToken : bob.accessToken);
    }
  }
  const times: number[] = [];
  let bytes = 0;
  let joined = 0;
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    const res = await fetch(`${hs.baseUrl}${V3}/sync?set_presence=offline`, { headers: { authorization: `Bearer ${bob.accessToken}` } });
    const text = await res.text();
    times.push(performance.now() - t0);
    bytes = text.length;
    joined = Object.keys(JSON.parse(text).rooms.join).length;
  }
  times.sort((a, b) => a - b);
  const round = (x: number) => Math.round(x * 10) / 10;
  console.log(JSON.stringify({
    bench: 'sync-initial',
    engine,
    node: process.version,
    rooms: roomCount,
    joinedRoomsInResponse: joined,
    messagesPerRoom,
    responseBytes: bytes,
    initialSyncMs: { min: round(times[0]!), median: round(times[Math.floor(runs / 2)]!), p90: round(times[Math.floor(runs * 0.9)]!) },
  }));
} finally {
  await hs.close();
}
