// Splitting state sets into unconflicted state and conflicted events.
// Spec: content/rooms/fragments/v2-state-res.md "Unconflicted state map and
// conflicted state set"; content/rooms/v1.md "State resolution" (conflict).

import type { StateKey, StateMap } from '../events/types.js';

export interface SeparatedState {
  /** Keys whose value is the same event in the state sets (see `missingKeyConflicts`). */
  readonly unconflicted: Map<StateKey, string>;
  /** Keys with more than one candidate: key → distinct event IDs. */
  readonly conflicted: Map<StateKey, Set<string>>;
}

/**
 * Separates state sets. With `missingKeyConflicts` (v2, v2.1) a key absent from
 * any one set is conflicted — the v2 definition requires the key to be "present
 * in every S_i with the same value". Without it (v1) only different event IDs
 * for the same key conflict, so a key held by some sets only is unconflicted.
 */
export function separate(stateSets: readonly StateMap[], missingKeyConflicts: boolean): SeparatedState {
  const unconflicted = new Map<StateKey, string>();
  const conflicted = new Map<StateKey, Set<string>>();
  const n = stateSets.length;
  if (n === 0) return { unconflicted, conflicted };
  const first = stateSets[0]!;
  if (n === 1) {
    for (const [k, v] of first) unconflicted.set(k, v);
    return { unconflicted, conflicted };
  }
  // Every key of every set; for each, compare against the other sets directly
  // (no per-key temporary sets in the common unconflicted case).
  const seen = new Set<StateKey>();
  for (let i = 0; i < n; i++) {
    for (const [key, value] of stateSets[i]!) {
      if (seen.has(key)) continue;
      seen.add(key);
      let same = true;
      let missing = i > 0; // absent from an earlier set, since we had not seen it
      for (let j = i + 1; j < n; j++) {
        const other = stateSets[j]!.get(key);
        if (other === undefined) missing = true;
        else if (other !== value) same = false;
      }
      if (same && (!missing || !missingKeyConflicts)) {
        unconflicted.set(key, value);
        continue;
      }
      const ids = new Set<string>();
      for (let j = i; j < n; j++) {
        const other = stateSets[j]!.get(key);
        if (other !== undefined) ids.add(other);
      }
      conflicted.set(key, ids);
    }
  }
  return { unconflicted, conflicted };
}
