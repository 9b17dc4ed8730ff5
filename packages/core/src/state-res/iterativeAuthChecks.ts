// Iterative auth checks.
// Spec: content/rooms/fragments/v2-state-res.md "Iterative auth checks" and
// "Rejected events".

import type { RoomEvent, StateKey } from '../events/types.js';
import { stateKeyOf } from '../events/types.js';
import type { RoomVersionRules } from '../room-versions/RoomVersionRules.js';
import { checkEventAuth } from '../auth/index.js';
import { ownAuthEvents, type GetEvent } from './eventHelpers.js';

/**
 * Applies each event of `sortedEventIds`, in order, to `state` (mutated and
 * returned) when the authorisation rules allow it. An auth key is looked up in
 * the state being built first; when the state lacks it, the event's own
 * auth_events supply it. Unknown events (getEvent → undefined) count as
 * rejected: they are neither applied nor used as auth events.
 */
export function iterativeAuthChecks(
  rules: RoomVersionRules,
  sortedEventIds: Iterable<string>,
  state: Map<StateKey, string>,
  getEvent: GetEvent,
): Map<StateKey, string> {
  for (const id of sortedEventIds) {
    const ev = getEvent(id);
    if (!ev || ev.stateKey === undefined) continue;
    let own: Map<StateKey, RoomEvent> | undefined;
    const lookup = (type: string, stateKey: string): RoomEvent | undefined => {
      const key = stateKeyOf(type, stateKey);
      const current = state.get(key);
      if (current !== undefined) {
        const e = getEvent(current);
        if (e) return e;
      }
      own ??= ownAuthEvents(ev, getEvent, rules);
      return own.get(key);
    };
    if (checkEventAuth(ev, lookup, rules).allowed) state.set(stateKeyOf(ev.type, ev.stateKey), id);
  }
  return state;
}
