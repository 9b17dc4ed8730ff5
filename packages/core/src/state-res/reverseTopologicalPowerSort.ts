// Reverse topological power ordering.
// Spec: content/rooms/fragments/v2-state-res.md "Reverse topological power
// ordering": Kahn's algorithm over the auth_events DAG, earliest first, picking
// at each step the candidate whose sender has the greatest power level, then the
// smallest origin_server_ts, then the smallest event_id.

import type { RoomEvent } from '../events/types.js';
import { IndexHeap } from './IndexHeap.js';
import type { GetEvent } from './eventHelpers.js';

/**
 * Sorts `eventIds` (unknown events are dropped). Edges are the auth_events
 * links between members of the set; `powerOf` gives each event's sender power
 * level (computed once per event here).
 */
export function reverseTopologicalPowerSort(
  eventIds: Iterable<string>,
  getEvent: GetEvent,
  powerOf: (ev: RoomEvent) => number,
): string[] {
  const events: RoomEvent[] = [];
  const index = new Map<string, number>();
  for (const id of eventIds) {
    if (index.has(id)) continue;
    const ev = getEvent(id);
    if (!ev) continue;
    index.set(id, events.length);
    events.push(ev);
  }
  const n = events.length;
  const power = new Float64Array(n);
  const ts = new Float64Array(n);
  const pending = new Int32Array(n); // auth events inside the set not yet emitted
  // dependents[i]: events in the set citing event i in their auth_events.
  const dependents: number[][] = Array.from({ length: n }, () => []);
  for (let i = 0; i < n; i++) {
    const ev = events[i]!;
    power[i] = powerOf(ev);
    ts[i] = ev.originServerTs;
    const seen = new Set<number>();
    for (const a of ev.authEventIds) {
      const j = index.get(a);
      if (j === undefined || j === i || seen.has(j)) continue;
      seen.add(j);
      pending[i]!++;
      dependents[j]!.push(i);
    }
  }
  const less = (a: number, b: number): boolean => {
    if (power[a] !== power[b]) return power[a]! > power[b]!;
    if (ts[a] !== ts[b]) return ts[a]! < ts[b]!;
    return events[a]!.eventId < events[b]!.eventId;
  };
  const heap = new IndexHeap(less);
  for (let i = 0; i < n; i++) if (pending[i] === 0) heap.push(i);
  const out: string[] = [];
  while (heap.size > 0) {
    const i = heap.pop()!;
    out.push(events[i]!.eventId);
    for (const d of dependents[i]!) if (--pending[d]! === 0) heap.push(d);
  }
  // A cycle (invalid auth graph) would leave events unsorted; they cannot be
  // ordered topologically, so they are left out rather than looping forever.
  return out;
}
