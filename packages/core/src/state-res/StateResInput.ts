// Input of state resolution. Spec: content/rooms/fragments/v2-state-res.md.

import type { RoomEvent, StateMap } from '../events/types.js';

export interface StateResInput {
  /** The states to resolve: each (type, state_key) → event ID. */
  stateSets: StateMap[];
  /**
   * The full auth chain (event IDs) of each state set, same order: the union of
   * the auth chains of the set's events (see authChainOf). Used by v2/v2.1.
   */
  authChains: ReadonlyArray<ReadonlySet<string>>;
  /** Synchronous lookup; an event it does not return is treated as rejected/unknown and skipped. */
  getEvent: (eventId: string) => RoomEvent | undefined;
}
