// Ad-hoc figures (not a test: no .test.ts suffix). Run:
// node --conditions=weft-src --import tsx packages/server/test/relations/perf.probe.ts [sqlite|postgres]
import { performance } from 'node:perf_hooks';
import { startTestServer, type Engine } from '../harness.js';

const engine = (process.argv[2] ?? 'sqlite') as Engine;
const hs = await startTestServer({ engine });
const alice = await hs.register('alice');
const room = (await hs.request('POST', '/_matrix/client/v3/createRoom', {}, alice.accessToken)).body.room_id as string;
const enc = encodeURIComponent;
let txn = 0;
const sendOne = (type: string, content: unknown) => hs.request('PUT', `/_matrix/client/v3/rooms/${enc(room)}/send/${type}/x${++txn}`, content, alice.accessToken);
const root = (await sendOne('m.room.message', { msgtype: 'm.text', body: 'root' })).body.event_id as string;
const N = 1000;
async function timeConcurrent(make: (i: number) => [string, unknown]): Promise<number> {
  const t0 = performance.now();
  for (let b = 0; b < N; b += 50) await Promise.all(Array.from({ length: 50 }, (_, i) => sendOne(...make(b + i))));
  return (performance.now() - t0) / N;
}
const plain = await timeConcurrent((i) => ['m.room.message', { msgtype: 'm.text', body: `m${i}` }]);
const reactions = await timeConcurrent((i) => ['m.reaction', { 'm.relates_to': { rel_type: 'm.annotation', event_id: root, key: `k${i}` } }]);
// 200 threads with 5 replies each.
const roots: string[] = [];
for (let i = 0; i < 200; i++) roots.push((await sendOne('m.room.message', { msgtype: 'm.text', body: `t${i}` })).body.event_id);
for (let r = 0; r < 5; r++) await Promise.all(roots.map((id, i) => sendOne('m.room.message', { msgtype: 'm.text', body: `r${i}`, 'm.relates_to': { rel_type: 'm.thread', event_id: id } })));
async function timeGet(path: string, reps = 20): Promise<number> {
  await hs.request('GET', path, undefined, alice.accessToken);
  const t0 = performance.now();
  for (let i = 0; i < reps; i++) {
    const res = await hs.request('GET', path, undefined, alice.accessToken);
    if (res.status !== 200) throw new Error(JSON.stringify(res.body));
  }
  return (performance.now() - t0) / reps;
}
const out = {
  engine,
  send_ms_per_event_plain: +plain.toFixed(3),
  send_ms_per_event_reaction: +reactions.toFixed(3),
  relations_page50_of_1000_ms: +(await timeGet(`/_matrix/client/v1/rooms/${enc(room)}/relations/${enc(root)}?limit=50`)).toFixed(2),
  relations_recurse_page50_ms: +(await timeGet(`/_matrix/client/v1/rooms/${enc(room)}/relations/${enc(root)}?limit=50&recurse=true`)).toFixed(2),
  threads_page20_of_200_ms: +(await timeGet(`/_matrix/client/v1/rooms/${enc(room)}/threads?limit=20`)).toFixed(2),
  threads_participated_page20_ms: +(await timeGet(`/_matrix/client/v1/rooms/${enc(room)}/threads?limit=20&include=participated`)).toFixed(2),
};
console.log(JSON.stringify(out));
await hs.close();
