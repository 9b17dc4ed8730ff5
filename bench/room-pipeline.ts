// Benchmark: the event pipeline alone (no HTTP): build + hash + sign + auth
// check + group-committed persist, through RoomService.sendMessage, into one
// room — sequential and 10 concurrent senders. Shows what the pipeline can do
// beneath the HTTP layer. Prints one JSON object.
// Run: node --conditions=weft-src --import tsx bench/room-pipeline.ts [--engine sqlite|postgres] [--seconds 3]
import { performance } from 'node:perf_hooks';
import { loadavg } from 'node:os';
import { startTestServer, type Engine } from '../packages/server/test/harness.js';

const arg = (name: string, dflt: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1]! : dflt;
};
const engine = arg('engine', 'sqlite') as Engine;
const seconds = Number(arg('seconds', '3'));

const hs = await startTestServer({ engine });
try {
  const alice = await hs.register('bench_pipeline');
  const { rooms } = hs.hs.rooms;
  const { room_id: roomId } = await rooms.createRoom(alice.userId, { preset: 'public_chat' });
  const result: Record<string, unknown> = { bench: 'room-pipeline', engine, node: process.version, loadAverage1m: loadavg()[0] };
  for (const [label, senders] of [['warmup', 1], ['sequential', 1], ['concurrent10', 10]] as const) {
    const t0 = performance.now();
    const c0 = process.cpuUsage();
    let n = 0;
    await Promise.all(Array.from({ length: senders }, async (_, s) => {
      for (let i = 0; performance.now() - t0 < seconds * 1000; i++) {
        await rooms.sendMessage(alice.userId, `DEV${s}`, roomId, 'm.room.message', { msgtype: 'm.text', body: `message ${i}` }, `${label}-${s}-${i}`);
        n++;
      }
    }));
    const cpu = process.cpuUsage(c0);
    if (label !== 'warmup') {
      result[label] = { msgPerSec: Math.round(n / ((performance.now() - t0) / 1000)), messages: n, cpuUsPerMsg: Math.round((cpu.user + cpu.system) / n) };
    }
  }
  console.log(JSON.stringify(result));
} finally {
  await hs.close();
}
