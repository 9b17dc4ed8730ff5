// Auth difference: ∪ C_i − ∩ C_i over the full auth chains C_i of the state sets.
// Spec: content/rooms/fragments/v2-state-res.md "Auth difference".

/** Events in some but not all of the given auth chains. */
export function authDifference(authChains: ReadonlyArray<ReadonlySet<string>>): Set<string> {
  const diff = new Set<string>();
  const n = authChains.length;
  if (n < 2) return diff;
  // An event is in the intersection iff every chain holds it, so one pass over
  // each chain testing membership in the others suffices (no union set built).
  for (let i = 0; i < n; i++) {
    const chain = authChains[i]!;
    for (const id of chain) {
      if (diff.has(id)) continue;
      for (let j = 0; j < n; j++) {
        if (j !== i && !authChains[j]!.has(id)) {
          diff.add(id);
          break;
        }
      }
    }
  }
  return diff;
}
