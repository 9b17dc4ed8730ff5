// Sender power level "when looking at their respective auth_events", the first
// key of the reverse topological power ordering.
// Spec: content/rooms/fragments/v2-state-res.md "Reverse topological power ordering".

import type { RoomEvent } from '../events/types.js';
import { stateKeyOf } from '../events/types.js';
import type { RoomVersionRules } from '../room-versions/RoomVersionRules.js';
import { userPowerLevel } from '../auth/index.js';
import { ownAuthEvents, type GetEvent } from './eventHelpers.js';

/**
 * The sender's power level per the power levels (and create) event cited in the
 * event's own auth_events, with the auth rules' defaults (creator 100 without a
 * power levels event; v12 creators infinite).
 */
export function senderPowerLevel(ev: RoomEvent, getEvent: GetEvent, rules: RoomVersionRules): number {
  const own = ownAuthEvents(ev, getEvent, rules);
  return userPowerLevel(ev.sender, (type, stateKey) => own.get(stateKeyOf(type, stateKey)), rules);
}

