// Auth chain of a set of events: everything reachable through auth_events,
// not including the starting events themselves.
// Spec: content/rooms/fragments/v2-state-res.md "Auth chain".

import type { RoomEvent } from '../events/types.js';

/**
 * The union of the auth chains of `eventIds` (the "full auth chain" of a state
 * set when given its event IDs). Events `getEvent` does not know are kept in the
 * result (they were referenced) but cannot be walked through.
 */
export function authChainOf(
  eventIds: Iterable<string>,
  getEvent: (eventId: string) => RoomEvent | undefined,
): Set<string> {
  const chain = new Set<string>();
  const stack: string[] = [];
  for (const id of eventIds) {
    const ev = getEvent(id);
    if (ev) for (const a of ev.authEventIds) stack.push(a);
  }
  while (stack.length > 0) {
    const id = stack.pop()!;
    if (chain.has(id)) continue;
    chain.add(id);
    const ev = getEvent(id);
    if (ev) for (const a of ev.authEventIds) if (!chain.has(a)) stack.push(a);
  }
  return chain;
}
