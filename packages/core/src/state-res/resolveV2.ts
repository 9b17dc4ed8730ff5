// State resolution v2 (room versions 2–11) and v2.1 (room version 12).
// Spec: content/rooms/fragments/v2-state-res.md "Algorithm"; content/rooms/v12.md
// "State resolution" (v2.1 changes: conflicted state subgraph in the full
// conflicted set; step 2 starts from an empty state map).

import type { StateKey } from '../events/types.js';
import type { RoomVersionRules } from '../room-versions/RoomVersionRules.js';
import type { StateResInput } from './StateResInput.js';
import { separate } from './separate.js';
import { authDifference } from './authDifference.js';
import { conflictedSubgraph } from './conflictedSubgraph.js';
import { reverseTopologicalPowerSort } from './reverseTopologicalPowerSort.js';
import { mainlineSort } from './mainlineSort.js';
import { iterativeAuthChecks } from './iterativeAuthChecks.js';
import { senderPowerLevel } from './senderPowerLevel.js';
import { isPowerEvent, POWER_LEVELS_KEY, type GetEvent } from './eventHelpers.js';

/** The full conflicted set (known events only). */
export function fullConflictedSet(
  rules: RoomVersionRules,
  conflicted: ReadonlyMap<StateKey, ReadonlySet<string>>,
  authChains: ReadonlyArray<ReadonlySet<string>>,
  getEvent: GetEvent,
): Set<string> {
  const conflictedIds = new Set<string>();
  for (const ids of conflicted.values()) for (const id of ids) conflictedIds.add(id);
  const full = authDifference(authChains);
  for (const id of conflictedIds) full.add(id);
  if (rules.stateRes === 'v2.1') for (const id of conflictedSubgraph(conflictedIds, getEvent)) full.add(id);
  for (const id of full) if (!getEvent(id)) full.delete(id);
  return full;
}

/**
 * Step 1's set X: the power events of the full conflicted set, enlarged with
 * the events of their auth chains that are in the full conflicted set. The walk
 * goes through full-conflicted-set events only (as Synapse and Ruma do): an
 * event outside the set is in every auth chain, and so are its own auth events.
 */
export function powerEventClosure(full: ReadonlySet<string>, getEvent: GetEvent): Set<string> {
  const x = new Set<string>();
  const stack: string[] = [];
  for (const id of full) {
    const ev = getEvent(id);
    if (ev && isPowerEvent(ev)) stack.push(id);
  }
  while (stack.length > 0) {
    const id = stack.pop()!;
    if (x.has(id)) continue;
    x.add(id);
    const ev = getEvent(id);
    if (!ev) continue;
    for (const a of ev.authEventIds) if (full.has(a) && !x.has(a)) stack.push(a);
  }
  return x;
}

export function resolveV2(rules: RoomVersionRules, input: StateResInput): Map<StateKey, string> {
  const { getEvent } = input;
  const { unconflicted, conflicted } = separate(input.stateSets, true);
  if (conflicted.size === 0) return unconflicted;

  const full = fullConflictedSet(rules, conflicted, input.authChains, getEvent);

  // Step 1: power events and their conflicted auth ancestors, power-sorted.
  const x = powerEventClosure(full, getEvent);
  const sortedPower = reverseTopologicalPowerSort(x, getEvent, (ev) => senderPowerLevel(ev, getEvent, rules));

  // Step 2: v2 replays onto the unconflicted state; v2.1 onto an empty state so
  // the events' own auth_events (not unrelated unconflicted state) authorise them.
  const partial = rules.stateRes === 'v2.1' ? new Map<StateKey, string>() : new Map(unconflicted);
  iterativeAuthChecks(rules, sortedPower, partial, getEvent);

  // Step 3: the rest, by mainline of the partially resolved power levels.
  const rest: string[] = [];
  for (const id of full) if (!x.has(id)) rest.push(id);
  const sortedRest = mainlineSort(rest, partial.get(POWER_LEVELS_KEY), getEvent);

  // Step 4.
  iterativeAuthChecks(rules, sortedRest, partial, getEvent);

  // Step 5: the unconflicted state map wins.
  for (const [k, v] of unconflicted) partial.set(k, v);
  return partial;
}
