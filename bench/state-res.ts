// Benchmark: state resolution of a room with 10,000 state events and 500
// conflicted events across two forks (v2 in room version 11, v2.1 in 12).
// Run: node --conditions=weft-src --import tsx bench/state-res.ts
// Prints one JSON line per algorithm. Auth chains are precomputed (the server
// stores them); resolveMs is the median of several runs of resolveState alone.

import { performance } from 'node:perf_hooks';
import { roomVersionRules, type RoomVersionRules } from '../packages/core/src/room-versions/index.js';
import { authChainOf, resolveState } from '../packages/core/src/state-res/index.js';
import type { StateKey } from '../packages/core/src/events/types.js';
import { ALICE, BOB, CHARLIE, TestRoom, joinRules, member, powerLevels } from '../packages/core/test/state-res/factory.js';

const STATE_EVENTS = 10_000;
const MEMBER_CONFLICTS = 200; // bans on fork A vs displayname changes on fork B
const CUSTOM_CONFLICTS = 50; // custom state set on both forks
const RUNS = 9;

function build(rules: RoomVersionRules) {
  const v12 = rules.createEventNotInAuthEvents;
  const room = v12 ? new TestRoom('!CREATE', true) : new TestRoom();
  const users = (n: number) => `@u${n}:example.org`;
  const base = room.branch(new Map(), [
    { id: '$CREATE', sender: ALICE, type: 'm.room.create', stateKey: '', content: v12 ? { room_version: '12' } : {} },
    member('$IMA', ALICE, ALICE, 'join'),
    powerLevels('$IPOWER', ALICE, v12 ? { [BOB]: 50 } : { [ALICE]: 100, [BOB]: 50 }),
    joinRules('$IJR', ALICE, 'public'),
    member('$IMB', BOB, BOB, 'join'),
    member('$IMC', CHARLIE, CHARLIE, 'join'),
  ]);
  const joins = [];
  for (let i = 0; base.size + joins.length < STATE_EVENTS; i++) joins.push(member(`$J${i}`, users(i), users(i), 'join'));
  const start = room.branch(base, joins);
  const forkA = room.branch(start, [
    ...Array.from({ length: MEMBER_CONFLICTS }, (_, i) => member(`$BAN${i}`, ALICE, users(i), 'ban')),
    ...Array.from({ length: CUSTOM_CONFLICTS }, (_, i) => ({
      id: `$CA${i}`, sender: ALICE, type: 'org.weft.bench', stateKey: `k${i}`, content: { side: 'a' },
    })),
  ]);
  const forkB = room.branch(start, [
    ...Array.from({ length: MEMBER_CONFLICTS }, (_, i) =>
      ({ ...member(`$DN${i}`, users(i), users(i), 'join'), content: { membership: 'join', displayname: `U${i}` } })),
    ...Array.from({ length: CUSTOM_CONFLICTS }, (_, i) => ({
      id: `$CB${i}`, sender: BOB, type: 'org.weft.bench', stateKey: `k${i}`, content: { side: 'b' },
    })),
  ]);
  return { room, stateSets: [forkA, forkB] };
}

function run(rules: RoomVersionRules) {
  const { room, stateSets } = build(rules);
  let conflicted = 0;
  for (const [k, v] of stateSets[0]!) if (stateSets[1]!.get(k) !== v) conflicted += stateSets[1]!.has(k) ? 2 : 1;
  const t0 = performance.now();
  const authChains = stateSets.map((s) => authChainOf(s.values(), room.getEvent));
  const authChainMs = performance.now() - t0;
  const input = { stateSets, authChains, getEvent: room.getEvent };
  const times: number[] = [];
  let result: Map<StateKey, string> | undefined;
  for (let i = 0; i < RUNS; i++) {
    const t = performance.now();
    result = resolveState(rules, input);
    times.push(performance.now() - t);
  }
  times.sort((a, b) => a - b);
  const banned = [...Array(MEMBER_CONFLICTS).keys()].filter((i) => result!.get(`m.room.member\u0000@u${i}:example.org`) === `$BAN${i}`).length;
  return {
    roomVersion: rules.id,
    algorithm: rules.stateRes,
    events: room.events.size,
    stateEvents: stateSets[0]!.size,
    conflicted,
    resolveMs: Number(times[Math.floor(times.length / 2)]!.toFixed(2)),
    minMs: Number(times[0]!.toFixed(2)),
    maxMs: Number(times[times.length - 1]!.toFixed(2)),
    authChainMs: Number(authChainMs.toFixed(2)),
    runs: RUNS,
    resolvedStateSize: result!.size,
    bansApplied: banned,
  };
}

for (const id of ['11', '12']) console.log(JSON.stringify(run(roomVersionRules(id)!)));
