// Benchmark: send throughput into ONE room through the real client API —
// sequential (one sender, one request at a time) and 10 concurrent senders
// (each its own user, one request at a time each). The server runs as a
// separate process (`weft start` from sources) so the load generator does not
// share its core; requests go over loopback HTTP with undici keep-alive.
// Prints one JSON object.
// Run: node --conditions=weft-src --import tsx bench/send-throughput.ts [--engine sqlite|postgres] [--seconds 5]
import { performance } from 'node:perf_hooks';
import { readFileSync } from 'node:fs';
import { Agent, request } from 'undici';
import type { Engine } from '../packages/server/test/harness.js';
import { prepareChildServer, registerUser, removeChildServerData, startChildServer } from '../packages/server/test/rooms/childServer.js';

const arg = (name: string, dflt: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1]! : dflt;
};
const engine = arg('engine', 'sqlite') as Engine;
const seconds = Number(arg('seconds', '5'));
const V3 = '/_matrix/client/v3';

const data = await prepareChildServer(engine);
const server = await startChildServer(data);
const agent = new Agent({ connections: 32, pipelining: 1, keepAliveTimeout: 30_000 });

async function call(method: 'PUT' | 'POST', path: string, token: string, body: unknown): Promise<{ status: number; body: any }> { // eslint-disable-line @typescript-eslint/no-explicit-any
  const res = await request(server.baseUrl + path, {
    method, dispatcher: agent, body: JSON.stringify(body),
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
  });
  return { status: res.statusCode, body: await res.body.json() };
}

/** Each sender sends one message at a time for `durationMs`; returns messages sent. */
async function run(tokens: string[], roomPath: string, durationMs: number, tag: string): Promise<{ count: number; seconds: number; latencies: number[] }> {
  const end = performance.now() + durationMs;
  const start = performance.now();
  const latencies: number[] = [];
  let count = 0;
  await Promise.all(tokens.map(async (token, s) => {
    let i = 0;
    while (performance.now() < end) {
      const t0 = performance.now();
      const res = await call('PUT', `${roomPath}/send/m.room.message/${tag}-${s}-${i++}`, token, { msgtype: 'm.text', body: `message ${i} from sender ${s}` });
      if (res.status !== 200) throw new Error(`send failed ${res.status} ${JSON.stringify(res.body)}`);
      latencies.push(performance.now() - t0);
      count++;
    }
  }));
  return { count, seconds: (performance.now() - start) / 1000, latencies };
}

/**
 * CPU time (user + system, ms) the server process has used so far (Linux /proc);
 * `mainThread`: only its main (event loop) thread, which bounds throughput —
 * signing and SQLite checkpoints run on other threads.
 */
function serverCpuMs(mainThread = false): number | undefined {
  try {
    const pid = server.proc.pid;
    const fields = readFileSync(mainThread ? `/proc/${pid}/task/${pid}/stat` : `/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100; // utime + stime, in 1/100 s ticks
  } catch {
    return undefined;
  }
}

/** Baseline under the same conditions: GET /account/whoami (authenticated, no storage access). */
async function runWhoami(tokens: string[], durationMs: number) {
  const end = performance.now() + durationMs;
  const start = performance.now();
  const latencies: number[] = [];
  let count = 0;
  await Promise.all(tokens.map(async (token) => {
    while (performance.now() < end) {
      const t0 = performance.now();
      const res = await request(server.baseUrl + `${V3}/account/whoami`, { dispatcher: agent, headers: { authorization: `Bearer ${token}` } });
      await res.body.text();
      latencies.push(performance.now() - t0);
      count++;
    }
  }));
  return { count, seconds: (performance.now() - start) / 1000, latencies };
}

async function measured(tokens: string[], roomPath: string, durationMs: number, tag: string) {
  const c0 = serverCpuMs();
  const m0 = serverCpuMs(true);
  const client0 = process.cpuUsage();
  const r = tag.startsWith('whoami') ? await runWhoami(tokens, durationMs) : await run(tokens, roomPath, durationMs, tag);
  const c1 = serverCpuMs();
  const m1 = serverCpuMs(true);
  const client = process.cpuUsage(client0);
  const cpuUsPerMsg = c0 !== undefined && c1 !== undefined ? Math.round(((c1 - c0) * 1000) / r.count) : undefined;
  const mainUsPerMsg = m0 !== undefined && m1 !== undefined ? Math.round(((m1 - m0) * 1000) / r.count) : undefined;
  return {
    msgPerSec: Math.round(r.count / r.seconds),
    messages: r.count,
    latencyMs: { p50: pct(r.latencies, 50), p99: pct(r.latencies, 99) },
    // Server CPU per message: what one core could sustain regardless of other load on the machine.
    serverCpuUsPerMsg: cpuUsPerMsg,
    // Of which on the event-loop thread (the rest: thread pool signing, SQLite checkpoints).
    serverMainThreadUsPerMsg: mainUsPerMsg,
    ...(mainUsPerMsg ? { mainThreadBoundMsgPerSec: Math.round(1e6 / mainUsPerMsg) } : {}),
    // This load generator's CPU per message: both share the machine's cores.
    clientCpuUsPerMsg: Math.round((client.user + client.system) / r.count),
  };
}

const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return Math.round(s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))]! * 100) / 100;
};

try {
  const senders = [];
  for (let i = 0; i < 10; i++) senders.push(await registerUser(server.baseUrl, `sender${i}`));
  const owner = senders[0]!;
  const created = await call('POST', `${V3}/createRoom`, owner.accessToken, { preset: 'public_chat' });
  const roomId = created.body.room_id as string;
  const roomPath = `${V3}/rooms/${encodeURIComponent(roomId)}`;
  for (const s of senders.slice(1)) await call('POST', `${V3}/join/${encodeURIComponent(roomId)}`, s.accessToken, {});

  await run([owner.accessToken], roomPath, 1000, 'warm'); // JIT warm-up
  const seq = await measured([owner.accessToken], roomPath, seconds * 1000, 'seq');
  const conc = await measured(senders.map((s) => s.accessToken), roomPath, seconds * 1000, 'conc');
  const baseSeq = await measured([owner.accessToken], roomPath, seconds * 1000, 'whoami-seq');
  const baseConc = await measured(senders.map((s) => s.accessToken), roomPath, seconds * 1000, 'whoami-conc');
  console.log(JSON.stringify({
    bench: 'send-throughput',
    engine,
    node: process.version,
    cpus: (await import('node:os')).cpus().length,
    loadAverage1m: (await import('node:os')).loadavg()[0],
    sequential: seq,
    concurrent10: conc,
    // The same load shape against GET /account/whoami: the HTTP + auth ceiling of this machine right now.
    baselineWhoami: { sequential: baseSeq, concurrent10: baseConc },
  }));
} finally {
  await agent.close();
  await server.stop();
  await removeChildServerData(data);
}
