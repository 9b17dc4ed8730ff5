// Benchmark of the event core's hot paths on one core. Prints one JSON object.
// Run: node --conditions=weft-src --import tsx bench/core-events.ts
// Imports the foundation modules directly so the bench does not depend on
// the state of auth/state-res.
import { buildEvent, verifyEventSignature, type BuildEventInput, type Pdu } from '../packages/core/src/events/index.js';
import { sha256, signingKeyFromSeed } from '../packages/core/src/crypto/index.js';
import { canonicalJson } from '../packages/core/src/json/index.js';
import { roomVersionRules } from '../packages/core/src/room-versions/index.js';

const rules = roomVersionRules('10')!;
const key = signingKeyFromSeed(new Uint8Array(32).fill(9), 'ed25519:bench');
const H = (i: number) => '$' + String(i).padStart(43, 'A');

const input = (i: number): BuildEventInput => ({
  roomId: '!benchroom:example.org', sender: '@alice:example.org', type: 'm.room.message',
  content: { msgtype: 'm.text', body: `message number ${i} with a typical length of text in it`, 'm.mentions': {} },
  prevEventIds: [H(i)], authEventIds: [H(1), H(2), H(3)], depth: i, originServerTs: 1_700_000_000_000 + i,
  serverName: 'example.org',
});

function rate(minMs: number, fn: (i: number) => void): number {
  for (let i = 0; i < 2000; i++) fn(i); // warm-up
  let n = 0;
  const start = process.hrtime.bigint();
  let elapsedMs = 0;
  while (elapsedMs < minMs) {
    for (let j = 0; j < 500; j++) fn(n++);
    elapsedMs = Number(process.hrtime.bigint() - start) / 1e6;
  }
  return Math.round((n / elapsedMs) * 1000);
}

const built: Pdu[] = [];
for (let i = 0; i < 1000; i++) built.push(buildEvent(input(i), key, rules).pdu);

let sink = 0;
const result = {
  bench: 'core-events',
  roomVersion: rules.id,
  node: process.version,
  eventsBuiltAndSignedPerSec: rate(1500, (i) => { sink += buildEvent(input(i), key, rules).eventId.length; }),
  signatureVerificationsPerSec: rate(1500, (i) => {
    if (verifyEventSignature(built[i % built.length]!, rules, 'example.org', 'ed25519:bench', key.publicKeyBase64)) sink++;
  }),
  canonicalJsonPlusSha256PerSec: rate(1500, (i) => { sink += sha256(canonicalJson(built[i % built.length]!)).length; }),
};
if (sink < 0) console.error(sink);
console.log(JSON.stringify(result));
