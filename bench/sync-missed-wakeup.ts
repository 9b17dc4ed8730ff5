// Probe: does a long-polling /sync miss a wake-up? Writes from different writers (room events via
// the rooms pipeline, account data via the sync area's writeAtNextPosition) take positions from the
// one StreamIdGenerator; `current` only advances past a position when every lower one finished. If a
// higher position commits first, its notify() wakes listeners while `current` is still below it;
// they read nothing new and park again, and the lower writer's later notify() names only ITS
// rooms/users — so the message can sit unseen until the long-poll times out.
// Here: Y writes account data in a tight loop (4 in flight, notifies only Y); Z sends a message in a
// room shared with X; X long-polls (timeout --timeout ms) until it sees it. A delivery taking about
// the whole timeout is a missed wake-up. Prints one JSON object.
// Run: node --conditions=weft-src --import tsx bench/sync-missed-wakeup.ts [--engine sqlite|postgres] [--rounds 40] [--timeout 5000]
import { startTestServer, type Engine } from '../packages/server/test/harness.js';

const arg = (name: string, dflt: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1]! : dflt;
};
const engine = arg('engine', 'sqlite') as Engine;
const rounds = Number(arg('rounds', '40'));
const timeoutMs = Number(arg('timeout', '5000'));
const V3 = '/_matrix/client/v3';

const hs = await startTestServer({ engine });
try {
  const x = await hs.register('x');
  const y = await hs.register('y');
  const z = await hs.register('z');
  const roomB = (await hs.request('POST', `${V3}/createRoom`, { preset: 'public_chat' }, z.accessToken)).body.room_id as string;
  await hs.request('POST', `${V3}/join/${encodeURIComponent(roomB)}`, {}, x.accessToken);
  let stop = false;
  let noiseWrites = 0;
  const noise = (async () => {
    while (!stop) {
      await Promise.all(Array.from({ length: 4 }, () =>
        hs.request('PUT', `${V3}/user/${encodeURIComponent(y.userId)}/account_data/org.noise`, { n: noiseWrites++ }, y.accessToken)));
    }
  })();
  let since = (await hs.request('GET', `${V3}/sync?timeout=0`, undefined, x.accessToken)).body.next_batch as string;
  const latencies: number[] = [];
  for (let i = 0; i < rounds; i++) {
    const body = `b${i}`;
    const t0 = Date.now();
    const sent = hs.request('PUT', `${V3}/rooms/${encodeURIComponent(roomB)}/send/m.room.message/b${i}`, { msgtype: 'm.text', body }, z.accessToken);
    for (let seen = false; !seen && Date.now() - t0 < 4 * timeoutMs;) {
      const r = await hs.request('GET', `${V3}/sync?since=${since}&timeout=${timeoutMs}`, undefined, x.accessToken);
      since = r.body.next_batch;
      seen = (r.body.rooms?.join?.[roomB]?.timeline?.events ?? []).some((e: { content?: { body?: string } }) => e.content?.body === body);
    }
    await sent;
    latencies.push(Date.now() - t0);
  }
  stop = true;
  await noise;
  const sorted = [...latencies].sort((a, b) => a - b);
  console.log(JSON.stringify({
    bench: 'sync-missed-wakeup',
    engine,
    rounds,
    syncTimeoutMs: timeoutMs,
    noiseWrites,
    latencyMs: { p50: sorted[Math.floor(rounds / 2)], max: sorted.at(-1) },
    /** Deliveries that waited ≥ 90% of the long-poll timeout: the wake-up was lost. */
    missedWakeups: latencies.filter((l) => l >= 0.9 * timeoutMs).length,
  }));
} finally {
  await hs.close();
}
