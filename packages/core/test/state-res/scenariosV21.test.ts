// State resolution v2.1 (room version 12) against v2: the two state-reset
// problems v2.1 fixes (MSC4297; spec content/rooms/v12.md "State resolution":
// step 2 starts from an empty state map; the conflicted state subgraph joins the
// full conflicted set).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { stateKeyOf, type StateKey } from '../../src/events/types.js';
import { roomVersionRules, type RoomVersionRules } from '../../src/room-versions/index.js';
import { authChainOf, resolveState } from '../../src/state-res/index.js';
import { ALICE, BOB, CHARLIE, TestRoom, joinRules, member, powerLevels, topic } from './factory.js';

const v11 = roomVersionRules('11')!;
const v12 = roomVersionRules('12')!;
/** Room version 12 events resolved with the v2 algorithm: isolates the algorithm change. */
const v12WithV2: RoomVersionRules = { ...v12, stateRes: 'v2' };
const K = (t: string, s = '') => stateKeyOf(t, s);

function resolve(room: TestRoom, rules: RoomVersionRules, ...states: Map<StateKey, string>[]): Map<StateKey, string> {
  return resolveState(rules, {
    stateSets: states,
    authChains: states.map((s) => authChainOf(s.values(), room.getEvent)),
    getEvent: room.getEvent,
  });
}

/** A v12 room: the room ID is derived from the create event ID ($CREATE → !CREATE). */
function v12Room(): TestRoom {
  return new TestRoom('!CREATE', true);
}

/**
 * Problem A: both forks agree Alice has left, but one fork (state obtained by a
 * partial sync) holds Alice's older join rules JR1 instead of JR2. Only the join
 * rules conflict. v2 replays JR1 and JR2 on top of the unconflicted state, where
 * Alice is not a member, so both fail and the room loses its join rules. v2.1
 * replays them from an empty state, so each is checked against its own
 * auth_events (Alice joined) and JR2, the later one, wins.
 */
function problemA(room: TestRoom, createContent: Record<string, string>) {
  const correct = room.branch(new Map(), [
    { id: '$CREATE', sender: ALICE, type: 'm.room.create', stateKey: '', content: createContent },
    member('$IMA', ALICE, ALICE, 'join'),
    powerLevels('$IPOWER', ALICE, { [BOB]: 100 }),
    joinRules('$JR1', ALICE, 'invite'),
    member('$IMB', ALICE, BOB, 'invite'),
    member('$IMB2', BOB, BOB, 'join'),
    joinRules('$JR2', ALICE, 'public'),
    member('$IMC', CHARLIE, CHARLIE, 'join'), // cites JR2
    member('$ALEAVE', ALICE, ALICE, 'leave'),
  ]);
  const outdated = new Map(correct);
  outdated.set(K('m.room.join_rules'), '$JR1');
  return { correct, outdated };
}

test('v2.1 problem A: conflicted join rules are authorised by their own auth events, not the unconflicted state', () => {
  const room = v12Room();
  const { correct, outdated } = problemA(room, { room_version: '12' });
  const r21 = resolve(room, v12, correct, outdated);
  assert.equal(r21.get(K('m.room.join_rules')), '$JR2');
  assert.equal(r21.get(K('m.room.member', ALICE)), '$ALEAVE');
  const r2 = resolve(room, v12WithV2, correct, outdated);
  assert.equal(r2.has(K('m.room.join_rules')), false, 'v2 state reset: join rules disappear');
  assert.equal(r2.get(K('m.room.member', ALICE)), '$ALEAVE');
});

test('v2.1 problem A in room version 11 (v2): the reset happens', () => {
  const room = new TestRoom();
  const { correct, outdated } = problemA(room, {});
  assert.equal(resolve(room, v11, correct, outdated).has(K('m.room.join_rules')), false);
});

/**
 * Problem B: Alice promotes Bob (PL2), Bob promotes Charlie (PL3), Charlie sets
 * the topic. One fork's state holds the outdated PL1; both forks' auth chains
 * contain PL1, PL2 and PL3 (through the topic), so the auth difference is empty
 * and v2 replays only PL1 and PL3: PL3 fails since Bob has no power under PL1.
 * v2.1 adds the conflicted state subgraph (PL3 → PL2 → PL1), replays PL2 between
 * them, and PL3 stands.
 */
test('v2.1 problem B: the conflicted state subgraph brings in the intermediate promotion', () => {
  const room = v12Room();
  const correct = room.branch(new Map(), [
    { id: '$CREATE', sender: ALICE, type: 'm.room.create', stateKey: '', content: { room_version: '12' } },
    member('$IMA', ALICE, ALICE, 'join'),
    powerLevels('$PL1', ALICE, {}),
    joinRules('$IJR', ALICE, 'public'),
    member('$IMB', BOB, BOB, 'join'),
    member('$IMC', CHARLIE, CHARLIE, 'join'),
    powerLevels('$PL2', ALICE, { [BOB]: 100 }),
    powerLevels('$PL3', BOB, { [BOB]: 100, [CHARLIE]: 50 }),
    topic('$T', CHARLIE, 'charlie was here'),
  ]);
  const outdated = new Map(correct);
  outdated.set(K('m.room.power_levels'), '$PL1');
  const r21 = resolve(room, v12, correct, outdated);
  assert.equal(r21.get(K('m.room.power_levels')), '$PL3');
  assert.equal(r21.get(K('m.room.topic')), '$T');
  const r2 = resolve(room, v12WithV2, correct, outdated);
  assert.equal(r2.get(K('m.room.power_levels')), '$PL1', 'v2 state reset: Bob and Charlie lose their power');
});

test('v2.1: unconflicted state is re-applied and a single state set resolves to itself', () => {
  const room = v12Room();
  const base = room.branch(new Map(), [
    { id: '$CREATE', sender: ALICE, type: 'm.room.create', stateKey: '', content: { room_version: '12' } },
    member('$IMA', ALICE, ALICE, 'join'),
    powerLevels('$PL1', ALICE, { [BOB]: 50 }),
    joinRules('$IJR', ALICE, 'public'),
    member('$IMB', BOB, BOB, 'join'),
  ]);
  assert.deepEqual(resolve(room, v12, base), base);
  const a = room.branch(base, [topic('$TA', ALICE, 'a')]);
  const b = room.branch(base, [topic('$TB', BOB, 'b')]);
  const r = resolve(room, v12, a, b);
  for (const [k, v] of base) assert.equal(r.get(k), v);
  assert.equal(r.get(K('m.room.topic')), '$TB', 'same mainline position; TB has the later timestamp');
});
