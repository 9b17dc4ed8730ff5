// Pure graph steps of state resolution, tested without the auth rules.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { stateKeyOf } from '../../src/events/types.js';
import { separate } from '../../src/state-res/separate.js';
import { authDifference } from '../../src/state-res/authDifference.js';
import { authChainOf } from '../../src/state-res/authChain.js';
import { conflictedSubgraph } from '../../src/state-res/conflictedSubgraph.js';
import { reverseTopologicalPowerSort } from '../../src/state-res/reverseTopologicalPowerSort.js';
import { mainlineOf, mainlineSort } from '../../src/state-res/mainlineSort.js';
import { isPowerEvent } from '../../src/state-res/eventHelpers.js';
import { ALICE, BOB, TestRoom } from './factory.js';

const K = (t: string, s = '') => stateKeyOf(t, s);

test('separate: v2 treats a key missing from one set as conflicted; v1 does not', () => {
  const a = new Map([[K('m.room.topic'), '$t1'], [K('m.room.name'), '$n1'], [K('m.room.member', ALICE), '$a']]);
  const b = new Map([[K('m.room.topic'), '$t2'], [K('m.room.member', ALICE), '$a']]);
  const v2 = separate([a, b], true);
  assert.deepEqual([...v2.unconflicted], [[K('m.room.member', ALICE), '$a']]);
  assert.deepEqual(v2.conflicted.get(K('m.room.topic')), new Set(['$t1', '$t2']));
  assert.deepEqual(v2.conflicted.get(K('m.room.name')), new Set(['$n1']));
  const v1 = separate([a, b], false);
  assert.equal(v1.unconflicted.get(K('m.room.name')), '$n1');
  assert.equal(v1.conflicted.has(K('m.room.name')), false);
  assert.deepEqual(v1.conflicted.get(K('m.room.topic')), new Set(['$t1', '$t2']));
});

test('separate: a single state set is entirely unconflicted', () => {
  const a = new Map([[K('m.room.topic'), '$t1'], [K('m.room.name'), '$n1']]);
  const s = separate([a], true);
  assert.deepEqual(s.unconflicted, a);
  assert.equal(s.conflicted.size, 0);
});

test('authDifference is union minus intersection', () => {
  assert.deepEqual(authDifference([new Set(['a', 'b', 'c']), new Set(['a', 'b', 'd'])]), new Set(['c', 'd']));
  assert.deepEqual(
    authDifference([new Set(['a', 'b', 'c']), new Set(['a', 'b', 'd']), new Set(['a', 'c', 'd'])]),
    new Set(['b', 'c', 'd']),
  );
  assert.deepEqual(authDifference([new Set(['a'])]), new Set());
  assert.deepEqual(authDifference([new Set(['a', 'b']), new Set(['b', 'a'])]), new Set());
});

// A small auth DAG: C ← B ← A ← X ← Y and A ← E (arrows point to auth events).
function dag(): TestRoom {
  const r = new TestRoom();
  const s = new Map<string, string>();
  r.make(s, { id: '$C', sender: ALICE, type: 'm.room.create', stateKey: '', auth: [] });
  r.make(s, { id: '$B', sender: ALICE, type: 't', stateKey: 'b', auth: ['$C'] });
  r.make(s, { id: '$A', sender: ALICE, type: 't', stateKey: 'a', auth: ['$C', '$B'] });
  r.make(s, { id: '$X', sender: ALICE, type: 't', stateKey: 'x', auth: ['$C', '$A'] });
  r.make(s, { id: '$Y', sender: ALICE, type: 't', stateKey: 'y', auth: ['$C', '$X', '$missing'] });
  r.make(s, { id: '$E', sender: ALICE, type: 't', stateKey: 'e', auth: ['$C', '$A'] });
  return r;
}

test('authChainOf walks auth_events transitively, excluding the start events', () => {
  const r = dag();
  assert.deepEqual(authChainOf(['$Y'], r.getEvent), new Set(['$C', '$X', '$A', '$B', '$missing']));
  assert.deepEqual(authChainOf(['$B', '$E'], r.getEvent), new Set(['$C', '$A', '$B']));
});

test('conflictedSubgraph holds the auth paths between conflicted events, and nothing else', () => {
  const r = dag();
  // Y → X → A → B: path between conflicted Y and B; E and C are not between two conflicted events.
  assert.deepEqual(conflictedSubgraph(new Set(['$Y', '$B']), r.getEvent), new Set(['$Y', '$X', '$A', '$B']));
  // E → A and Y → X → A: both paths end at conflicted A.
  assert.deepEqual(conflictedSubgraph(new Set(['$Y', '$E', '$A']), r.getEvent), new Set(['$Y', '$X', '$A', '$E']));
  // Unrelated conflicted events: just themselves.
  assert.deepEqual(conflictedSubgraph(new Set(['$Y', '$E']), r.getEvent), new Set(['$Y', '$E']));
  // Unknown conflicted events are left out.
  assert.deepEqual(conflictedSubgraph(new Set(['$nope', '$B']), r.getEvent), new Set(['$B']));
});

test('conflictedSubgraph copes with a deep chain (no recursion limit)', () => {
  const r = new TestRoom();
  const s = new Map<string, string>();
  r.make(s, { id: '$0', sender: ALICE, type: 't', stateKey: '0', auth: [] });
  for (let i = 1; i <= 50_000; i++) r.make(s, { id: `$${i}`, sender: ALICE, type: 't', stateKey: `${i}`, auth: [`$${i - 1}`] });
  const sub = conflictedSubgraph(new Set(['$50000', '$10']), r.getEvent);
  assert.equal(sub.size, 50_000 - 10 + 1);
  assert.ok(sub.has('$10') && sub.has('$25000') && !sub.has('$9'));
});

test('reverseTopologicalPowerSort: auth order first, then power, timestamp, event ID', () => {
  const r = new TestRoom();
  const s = new Map<string, string>();
  r.make(s, { id: '$root', sender: ALICE, type: 't', stateKey: 'r', auth: [], ts: 50 });
  // Three children of root: different power / ts / ID tie-breaks.
  r.make(s, { id: '$lowpower', sender: BOB, type: 't', stateKey: '1', auth: ['$root'], ts: 1 });
  r.make(s, { id: '$hi_late', sender: ALICE, type: 't', stateKey: '2', auth: ['$root'], ts: 20 });
  r.make(s, { id: '$hi_b', sender: ALICE, type: 't', stateKey: '3', auth: ['$root'], ts: 10 });
  r.make(s, { id: '$hi_a', sender: ALICE, type: 't', stateKey: '4', auth: ['$root'], ts: 10 });
  // Depends on the low-power event: must come after it however powerful.
  r.make(s, { id: '$child', sender: ALICE, type: 't', stateKey: '5', auth: ['$lowpower', '$outside'], ts: 0 });
  const power = (ev: { sender: string }) => (ev.sender === ALICE ? 100 : 0);
  const ids = ['$child', '$hi_late', '$lowpower', '$hi_b', '$root', '$hi_a', '$unknown'];
  assert.deepEqual(reverseTopologicalPowerSort(ids, r.getEvent, power), [
    '$root', '$hi_a', '$hi_b', '$hi_late', '$lowpower', '$child',
  ]);
  // Infinite power (v12 creators) sorts before any finite power.
  const inf = (ev: { sender: string }) => (ev.sender === BOB ? Infinity : 100);
  assert.deepEqual(reverseTopologicalPowerSort(ids, r.getEvent, inf), [
    '$root', '$lowpower', '$child', '$hi_a', '$hi_b', '$hi_late',
  ]);
});

test('mainlineSort orders by mainline position (older first), then ts, then ID', () => {
  const r = new TestRoom();
  const s = new Map<string, string>();
  r.make(s, { id: '$create', sender: ALICE, type: 'm.room.create', stateKey: '', auth: [] });
  r.make(s, { id: '$P1', sender: ALICE, type: 'm.room.power_levels', stateKey: '', auth: ['$create'] });
  r.make(s, { id: '$P2', sender: ALICE, type: 'm.room.power_levels', stateKey: '', auth: ['$create', '$P1'] });
  r.make(s, { id: '$P3', sender: ALICE, type: 'm.room.power_levels', stateKey: '', auth: ['$create', '$P2'] });
  // A side branch off P1 that is not on the mainline of P3.
  r.make(s, { id: '$Pside', sender: ALICE, type: 'm.room.power_levels', stateKey: '', auth: ['$create', '$P1'] });
  r.make(s, { id: '$none', sender: ALICE, type: 'm.room.topic', stateKey: '', auth: ['$create'], ts: 99 });
  r.make(s, { id: '$on1', sender: ALICE, type: 'm.room.topic', stateKey: '', auth: ['$create', '$P1'], ts: 5 });
  r.make(s, { id: '$on2b', sender: ALICE, type: 'm.room.topic', stateKey: '', auth: ['$P2'], ts: 7 });
  r.make(s, { id: '$on2a', sender: ALICE, type: 'm.room.topic', stateKey: '', auth: ['$P2'], ts: 7 });
  r.make(s, { id: '$on2early', sender: ALICE, type: 'm.room.topic', stateKey: '', auth: ['$P2'], ts: 1 });
  r.make(s, { id: '$on3', sender: ALICE, type: 'm.room.topic', stateKey: '', auth: ['$P3'], ts: 0 });
  r.make(s, { id: '$viaSide', sender: ALICE, type: 'm.room.topic', stateKey: '', auth: ['$Pside'], ts: 6 });
  assert.deepEqual([...mainlineOf('$P3', r.getEvent)], [['$P3', 0], ['$P2', 1], ['$P1', 2]]);
  const ids = ['$on3', '$on2a', '$none', '$viaSide', '$on2b', '$on1', '$on2early'];
  assert.deepEqual(mainlineSort(ids, '$P3', r.getEvent), [
    '$none', // position ∞
    '$on1', '$viaSide', // position 2 (P1; the side event reaches it through Pside), ts 5 < 6
    '$on2early', '$on2a', '$on2b', // position 1, ts then ID
    '$on3', // position 0
  ]);
  // Without a power levels event every position is ∞: plain ts/ID order.
  assert.deepEqual(mainlineSort(['$on1', '$none', '$on3'], undefined, r.getEvent), ['$on3', '$on1', '$none']);
});

test('isPowerEvent: power levels, join rules, kicks and bans only', () => {
  const r = new TestRoom();
  const s = new Map<string, string>();
  const mk = (id: string, type: string, sender: string, stateKey: string | undefined, content = {}) =>
    r.make(s, { id, type, sender, stateKey, content, auth: [] });
  assert.equal(isPowerEvent(mk('$1', 'm.room.power_levels', ALICE, '')), true);
  assert.equal(isPowerEvent(mk('$2', 'm.room.join_rules', ALICE, '')), true);
  assert.equal(isPowerEvent(mk('$3', 'm.room.member', ALICE, BOB, { membership: 'ban' })), true);
  assert.equal(isPowerEvent(mk('$4', 'm.room.member', ALICE, BOB, { membership: 'leave' })), true);
  assert.equal(isPowerEvent(mk('$5', 'm.room.member', BOB, BOB, { membership: 'leave' })), false);
  assert.equal(isPowerEvent(mk('$6', 'm.room.member', ALICE, BOB, { membership: 'invite' })), false);
  assert.equal(isPowerEvent(mk('$7', 'm.room.topic', ALICE, '')), false);
  assert.equal(isPowerEvent(mk('$8', 'm.room.message', ALICE, undefined)), false);
});
