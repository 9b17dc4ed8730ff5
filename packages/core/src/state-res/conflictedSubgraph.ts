// Conflicted state subgraph (state resolution v2.1, room version 12).
// Spec: content/rooms/v12.md "Conflicted state subgraph": the union of all
// auth_events paths between any pair of conflicted events, endpoints included.

import type { RoomEvent } from '../events/types.js';

const IN_PROGRESS = 1;
const REACHES = 2; // the event is conflicted or some auth_events path from it hits a conflicted event
const NO = 3;

/**
 * Events lying on an auth_events path from one conflicted event to another
 * (including the conflicted events that `getEvent` knows).
 *
 * An event x is on such a path iff x is reachable from a conflicted event and a
 * conflicted event is reachable from x. One depth-first walk from the
 * conflicted events visits exactly the first set; a post-order flag
 * ("reaches a conflicted event") memoised per event gives the second. Each
 * event and edge is handled once: O(V + E) of the walked auth graph. Iterative,
 * because auth chains can be thousands of events deep.
 */
export function conflictedSubgraph(
  conflicted: ReadonlySet<string>,
  getEvent: (eventId: string) => RoomEvent | undefined,
): Set<string> {
  const status = new Map<string, number>();
  const subgraph = new Set<string>();
  // Explicit DFS stack: event, its auth IDs, next auth index, "a child reaches".
  const stackEv: RoomEvent[] = [];
  const stackNext: number[] = [];
  const stackReach: boolean[] = [];

  const push = (id: string): boolean => {
    const ev = getEvent(id);
    if (!ev) {
      status.set(id, NO); // unknown/rejected: cannot be walked, not part of the subgraph
      return false;
    }
    status.set(id, IN_PROGRESS);
    stackEv.push(ev);
    stackNext.push(0);
    stackReach.push(false);
    return true;
  };

  for (const start of conflicted) {
    if (status.has(start)) continue;
    if (!push(start)) continue;
    while (stackEv.length > 0) {
      const top = stackEv.length - 1;
      const ev = stackEv[top]!;
      const auth = ev.authEventIds;
      const i = stackNext[top]!;
      if (i < auth.length) {
        stackNext[top] = i + 1;
        const child = auth[i]!;
        const s = status.get(child);
        if (s === undefined) {
          push(child);
        } else if (s === REACHES) {
          stackReach[top] = true;
        }
        // IN_PROGRESS would be a cycle (impossible in a valid auth DAG): ignore the edge.
        continue;
      }
      // All auth events handled: finish this event.
      const reaches = stackReach[top]! || conflicted.has(ev.eventId);
      status.set(ev.eventId, reaches ? REACHES : NO);
      if (reaches) subgraph.add(ev.eventId);
      stackEv.pop();
      stackNext.pop();
      stackReach.pop();
      if (reaches && stackEv.length > 0) stackReach[stackEv.length - 1] = true;
    }
  }
  return subgraph;
}
