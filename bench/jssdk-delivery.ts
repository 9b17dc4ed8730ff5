// Benchmark: real-client delivery latency — matrix-js-sdk sender → matrix-js-sdk receiver, as an
// Element user would experience it (the receiver's RoomEvent.Timeline for the remote echo), on a
// real server in its own process over loopback HTTP. Latency includes both clients' own work
// (request building, sync processing), which the raw sync-delivery bench leaves out. Note the js-sdk's
// default MatrixScheduler sends a room's messages one at a time, so the achievable rate is
// 1 / (send round trip); above it, latency measures the client's own queue.
// Prints one JSON object.
// Run: node --conditions=weft-src --import tsx bench/jssdk-delivery.ts [--engine sqlite|postgres] [--rate 100] [--seconds 5]
import { performance } from 'node:perf_hooks';
import { loadavg } from 'node:os';
import * as sdk from 'matrix-js-sdk';
import { startBenchServer } from './lib/syncBenchServer.js';
import { newClient, releaseJsSdkTimers, startAndWaitPrepared, waitUntil, type Exchange } from '../packages/server/test/clients/jsSdkHelpers.js';

const arg = (name: string, dflt: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1]! : dflt;
};
const engine = arg('engine', 'sqlite');
const ratePerSec = Number(arg('rate', '10'));
const seconds = Number(arg('seconds', '5'));

const hs = await startBenchServer(engine);
const log: Exchange[] = [];
const clients: sdk.MatrixClient[] = [];
try {
  const a = await hs.register('jssdk_sender');
  const b = await hs.register('jssdk_receiver');
  const who = async (token: string) => (await hs.request('GET', '/_matrix/client/v3/account/whoami', undefined, token)).body.device_id as string;
  const alice = newClient(hs.baseUrl, log, { userId: a.userId, accessToken: a.accessToken, deviceId: await who(a.accessToken) });
  const bob = newClient(hs.baseUrl, log, { userId: b.userId, accessToken: b.accessToken, deviceId: await who(b.accessToken) });
  clients.push(alice, bob);
  await startAndWaitPrepared(alice, log);
  await startAndWaitPrepared(bob, log);
  const { room_id: roomId } = await alice.createRoom({ preset: sdk.Preset.PublicChat });
  await bob.joinRoom(roomId);
  await waitUntil(alice, () => alice.getRoom(roomId)?.getMember(b.userId)?.membership === 'join', 'bob joined');

  const sentAt = new Map<string, number>();
  const latencies: number[] = [];
  bob.on(sdk.RoomEvent.Timeline, (ev) => {
    const seq = ev.getContent().seq as string | undefined;
    const t = seq === undefined ? undefined : sentAt.get(seq);
    if (t !== undefined && ev.getSender() === a.userId) latencies.push(performance.now() - t);
  });

  const total = Math.round(ratePerSec * seconds);
  const intervalMs = 1000 / ratePerSec;
  const start = performance.now();
  const sends: Promise<unknown>[] = [];
  const sendRtts: number[] = [];
  for (let i = 0; i < total; i++) {
    const wait = start + i * intervalMs - performance.now();
    if (wait > 0) await new Promise((res) => setTimeout(res, wait));
    const seq = `m${i}`;
    sentAt.set(seq, performance.now());
    sends.push(alice.sendMessage(roomId, { msgtype: sdk.MsgType.Text, body: 'bench', seq } as never).then(() => sendRtts.push(performance.now() - sentAt.get(seq)!)));
  }
  await Promise.all(sends);
  const sendSeconds = (performance.now() - start) / 1000;
  const deadline = Date.now() + 15_000;
  while (latencies.length < total && Date.now() < deadline) await new Promise((res) => setTimeout(res, 20));

  const pctOf = (xs: number[], p: number) => {
    const sorted = [...xs].sort((x, y) => x - y);
    return Math.round(sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]! * 100) / 100;
  };
  const pct = (p: number) => pctOf(latencies, p);
  console.log(JSON.stringify({
    bench: 'jssdk-delivery',
    engine,
    node: process.version,
    targetRatePerSec: ratePerSec,
    achievedRatePerSec: Math.round(total / sendSeconds),
    messages: total,
    delivered: latencies.length,
    latencyMs: { p50: pct(50), p90: pct(90), p99: pct(99), max: pct(100) },
    /** sendMessage() issue → its promise resolving (includes the js-sdk's send queue). */
    sendResolvedMs: { p50: pctOf(sendRtts, 50), p99: pctOf(sendRtts, 99) },
    loadAverage1m: Math.round(loadavg()[0]! * 100) / 100,
    failedRequests: log.length,
  }));
} finally {
  for (const c of clients) c.stopClient();
  releaseJsSdkTimers();
  await hs.close();
}
