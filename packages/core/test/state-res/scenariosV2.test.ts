// State resolution v2 scenarios with known outcomes (the classic cases of the
// Synapse and Ruma test suites, rebuilt here), plus basics.
// Spec: content/rooms/fragments/v2-state-res.md.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { stateKeyOf, type StateKey } from '../../src/events/types.js';
import { roomVersionRules } from '../../src/room-versions/index.js';
import { authChainOf, resolveState } from '../../src/state-res/index.js';
import {
  ALICE, BOB, CHARLIE, ELLA, TestRoom, initialRoom, joinRules, member, powerLevels, show, topic,
} from './factory.js';

const v2 = roomVersionRules('2')!;
const v11 = roomVersionRules('11')!;
const K = (t: string, s = '') => stateKeyOf(t, s);

function resolve(room: TestRoom, rules = v2, ...states: Map<StateKey, string>[]): Map<StateKey, string> {
  return resolveState(rules, {
    stateSets: states,
    authChains: states.map((s) => authChainOf(s.values(), room.getEvent)),
    getEvent: room.getEvent,
  });
}

test('a single state set resolves to itself', () => {
  const room = new TestRoom();
  const s = initialRoom(room);
  assert.deepEqual(show(resolve(room, v2, s)), show(s));
});

test('unconflicted state passes through unchanged', () => {
  const room = new TestRoom();
  const base = initialRoom(room);
  const a = room.branch(base, [topic('$TA', ALICE, 'a')]);
  const b = room.branch(base, [{ id: '$NAME', sender: ALICE, type: 'm.room.name', stateKey: '', content: { name: 'n' } }]);
  const r = resolve(room, v2, a, b);
  for (const [k, v] of base) assert.equal(r.get(k), v);
  // Keys present in one fork only are conflicted in v2 but nothing contests them.
  assert.equal(r.get(K('m.room.topic')), '$TA');
  assert.equal(r.get(K('m.room.name')), '$NAME');
});

test('ban vs power levels change: the ban is ordered first, so the banned user\'s PL change fails', () => {
  const room = new TestRoom();
  const base = initialRoom(room);
  const pa = room.branch(base, [powerLevels('$PA', ALICE, { [ALICE]: 100, [BOB]: 50 })]);
  const a = room.branch(pa, [member('$MA', ALICE, ALICE, 'join'), member('$MB', ALICE, BOB, 'ban')]);
  const b = room.branch(pa, [powerLevels('$PB', BOB, { [ALICE]: 100, [BOB]: 50 })]);
  const r = resolve(room, v2, a, b);
  assert.equal(r.get(K('m.room.power_levels')), '$PA');
  assert.equal(r.get(K('m.room.member', ALICE)), '$MA');
  assert.equal(r.get(K('m.room.member', BOB)), '$MB');
});

test('join rule evasion: a join authorised by the old public rule loses to the private rule', () => {
  const room = new TestRoom();
  const base = initialRoom(room);
  const a = room.branch(base, [joinRules('$JR', ALICE, 'invite')]);
  const b = room.branch(base, [member('$ME', ELLA, ELLA, 'join')]);
  const r = resolve(room, v2, a, b);
  assert.equal(r.get(K('m.room.join_rules')), '$JR');
  assert.equal(r.has(K('m.room.member', ELLA)), false);
});

test('off-topic power levels: a chain of PL changes through a moderator applies in auth order', () => {
  const room = new TestRoom();
  const base = initialRoom(room);
  const pa = room.branch(base, [powerLevels('$PA', ALICE, { [ALICE]: 100, [BOB]: 50 })]);
  const a = room.branch(pa, [
    powerLevels('$PB', BOB, { [ALICE]: 100, [BOB]: 50, [CHARLIE]: 50 }),
    powerLevels('$PC', CHARLIE, { [ALICE]: 100, [BOB]: 50, [CHARLIE]: 0 }),
  ]);
  const r = resolve(room, v2, a, pa);
  assert.equal(r.get(K('m.room.power_levels')), '$PC');
});

test('topic basic: the demotion wins, the demoted user\'s PL change and topic fail', () => {
  const room = new TestRoom();
  const base = initialRoom(room);
  const start = room.branch(base, [topic('$T1', ALICE, 't1'), powerLevels('$PA1', ALICE, { [ALICE]: 100, [BOB]: 50 })]);
  const a = room.branch(start, [topic('$T2', ALICE, 't2'), powerLevels('$PA2', ALICE, { [ALICE]: 100, [BOB]: 0 })]);
  const b = room.branch(start, [powerLevels('$PB', BOB, { [ALICE]: 100, [BOB]: 50 }), topic('$T3', BOB, 't3')]);
  const r = resolve(room, v2, a, b);
  assert.equal(r.get(K('m.room.power_levels')), '$PA2');
  assert.equal(r.get(K('m.room.topic')), '$T2');
});

test('topic reset: a banned user\'s topic is dropped and the older topic kept', () => {
  const room = new TestRoom();
  const base = initialRoom(room);
  const t1 = room.branch(base, [topic('$T1', ALICE, 't1')]);
  const a = room.branch(t1, [
    powerLevels('$PA', ALICE, { [ALICE]: 100, [BOB]: 50 }),
    topic('$T2', BOB, 't2'),
    member('$MB', ALICE, BOB, 'ban'),
  ]);
  const r = resolve(room, v2, a, t1);
  assert.equal(r.get(K('m.room.topic')), '$T1');
  assert.equal(r.get(K('m.room.member', BOB)), '$MB');
  assert.equal(r.get(K('m.room.power_levels')), '$PA');
});

test('mainline ordering: topics are replayed in mainline order; the last allowed one wins', () => {
  const room = new TestRoom();
  const base = initialRoom(room);
  const p1 = room.branch(base, [powerLevels('$P1', ALICE, { [ALICE]: 100, [BOB]: 50 })]);
  // Fork a: Alice raises the PL again (P2) and sets a topic citing it, early ts.
  // Fork b: Alice sets a topic citing P1, with a later ts.
  const a = room.branch(p1, [
    powerLevels('$P2', ALICE, { [ALICE]: 100, [BOB]: 50 }, { ts: 1001 }),
    topic('$TALICE2', ALICE, 'alice after P2', { ts: 1002 }),
  ]);
  const b = room.branch(p1, [topic('$TALICE1', ALICE, 'alice', { ts: 2000 })]);
  const r = resolve(room, v2, a, b);
  // Mainline of P2 is [P2, P1, IPOWER]: TALICE1 cites P1 (position 1), TALICE2 cites
  // P2 (position 0). Position beats timestamp: TALICE2 (ts 1002) is replayed after
  // TALICE1 (ts 2000) and wins.
  assert.equal(r.get(K('m.room.topic')), '$TALICE2');
  // Equal mainline positions: timestamp decides, TALICE1 (2000) is replayed before TBOB (3000).
  const room2 = new TestRoom();
  const base2 = initialRoom(room2);
  const q1 = room2.branch(base2, [powerLevels('$P1', ALICE, { [ALICE]: 100, [BOB]: 50 })]);
  const a2 = room2.branch(q1, [topic('$TBOB', BOB, 'bob', { ts: 3000 })]);
  const b2 = room2.branch(q1, [topic('$TALICE1', ALICE, 'alice', { ts: 2000 })]);
  assert.equal(resolve(room2, v2, a2, b2).get(K('m.room.topic')), '$TBOB');
});

test('v2 is used for room versions 2–11 (v11: creator implied by the create sender)', () => {
  const room = new TestRoom();
  const base = initialRoom(room, { creatorField: false });
  const a = room.branch(base, [joinRules('$JR', ALICE, 'invite')]);
  const b = room.branch(base, [member('$ME', ELLA, ELLA, 'join')]);
  const r = resolve(room, v11, a, b);
  assert.equal(r.get(K('m.room.join_rules')), '$JR');
  assert.equal(r.has(K('m.room.member', ELLA)), false);
});
