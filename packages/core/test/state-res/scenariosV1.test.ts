// Room version 1 state resolution. Spec: content/rooms/v1.md "State resolution".
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { stateKeyOf, type StateKey } from '../../src/events/types.js';
import { roomVersionRules } from '../../src/room-versions/index.js';
import { authChainOf, resolveState, sortByDepthThenSha1Desc } from '../../src/state-res/index.js';
import { ALICE, BOB, TestRoom, initialRoom, powerLevels, show, topic } from './factory.js';

const v1 = roomVersionRules('1')!;
const K = (t: string, s = '') => stateKeyOf(t, s);
const sha1 = (s: string) => createHash('sha1').update(s).digest('hex');

function resolve(room: TestRoom, ...states: Map<StateKey, string>[]): Map<StateKey, string> {
  return resolveState(v1, {
    stateSets: states,
    authChains: states.map((s) => authChainOf(s.values(), room.getEvent)),
    getEvent: room.getEvent,
  });
}

test('v1: a single state set resolves to itself; keys in one set only are not conflicts', () => {
  const room = new TestRoom();
  const base = initialRoom(room);
  assert.deepEqual(show(resolve(room, base)), show(base));
  const a = room.branch(base, [topic('$TA:x', ALICE, 'a')]);
  const r = resolve(room, a, base);
  assert.equal(r.get(K('m.room.topic')), '$TA:x');
});

test('v1 order: ascending depth, then descending sha1(event_id)', () => {
  const room = new TestRoom();
  const s = new Map<string, string>();
  const ids = ['$a:x', '$b:x', '$c:x', '$d:x'];
  const evs = ids.map((id, i) => room.make(s, { id, sender: ALICE, type: 't', stateKey: '', auth: [], depth: i < 2 ? 5 : 3 }));
  const sorted = sortByDepthThenSha1Desc(evs).map((e) => e.eventId);
  const bySha1Desc = (xs: string[]) => [...xs].sort((x, y) => (sha1(x) < sha1(y) ? 1 : -1));
  assert.deepEqual(sorted, [...bySha1Desc(['$c:x', '$d:x']), ...bySha1Desc(['$a:x', '$b:x'])]);
});

test('v1 other events: highest depth wins; at equal depth the lowest sha1(event_id)', () => {
  const room = new TestRoom();
  const base = initialRoom(room);
  const a = room.branch(base, [topic('$deep:x', ALICE, 'a', { depth: 50 })]);
  const b = room.branch(base, [topic('$shallow:x', ALICE, 'b', { depth: 40 })]);
  assert.equal(resolve(room, a, b).get(K('m.room.topic')), '$deep:x');
  const [x, y] = ['$t1:x', '$t2:x'];
  const c = room.branch(base, [topic(x, ALICE, 'c', { depth: 60 })]);
  const d = room.branch(base, [topic(y, ALICE, 'd', { depth: 60 })]);
  const lowest = sha1(x) < sha1(y) ? x : y;
  assert.equal(resolve(room, c, d).get(K('m.room.topic')), lowest);
});

test('v1 power levels first: a demotion is resolved before the demoted user\'s topic is checked', () => {
  const room = new TestRoom();
  const base = initialRoom(room);
  const start = room.branch(base, [
    powerLevels('$PL0:x', ALICE, { [ALICE]: 100, [BOB]: 50 }),
    topic('$T0:x', ALICE, 'start'),
  ]);
  const a = room.branch(start, [powerLevels('$PLA:x', ALICE, { [ALICE]: 100, [BOB]: 0 })]);
  const b = room.branch(start, [topic('$TB:x', BOB, 'bob')]); // deepest topic
  const r = resolve(room, a, b);
  assert.equal(r.get(K('m.room.power_levels')), '$PLA:x');
  assert.equal(r.get(K('m.room.topic')), '$T0:x', 'Bob\'s topic fails under the resolved power levels');
});

test('v1 power levels: replay stops at the first event not allowed', () => {
  const room = new TestRoom();
  const base = initialRoom(room);
  const s1 = room.branch(base, [powerLevels('$PLa:x', ALICE, { [ALICE]: 100 }, { depth: 10 })]);
  const s2 = room.branch(base, [
    powerLevels('$PLx:x', ALICE, { [ALICE]: 100, [BOB]: 100 }, { depth: 9 }),
    powerLevels('$PLb:x', BOB, { [ALICE]: 100, [BOB]: 100 }, { depth: 11 }),
  ]);
  const s3 = room.branch(base, [powerLevels('$PLc:x', ALICE, { [ALICE]: 100, [BOB]: 10 }, { depth: 12 })]);
  // Order: PLa (10), PLb (11, Bob has 0 under PLa: refused → stop), PLc never considered.
  assert.equal(resolve(room, s1, s2, s3).get(K('m.room.power_levels')), '$PLa:x');
  // Without Bob's event, PLc (allowed after PLa) wins.
  assert.equal(resolve(room, s1, s3).get(K('m.room.power_levels')), '$PLc:x');
});
