// Public API of core/state-res (re-exported by ../index.ts).
// Spec: content/rooms/v1.md, content/rooms/fragments/v2-state-res.md,
// content/rooms/v12.md "State resolution".

import type { StateKey } from '../events/types.js';
import type { RoomVersionRules } from '../room-versions/RoomVersionRules.js';
import type { StateResInput } from './StateResInput.js';
import { resolveV1 } from './resolveV1.js';
import { resolveV2 } from './resolveV2.js';

export type { StateResInput } from './StateResInput.js';
export { separate, type SeparatedState } from './separate.js';
export { authChainOf } from './authChain.js';
export { authDifference } from './authDifference.js';
export { conflictedSubgraph } from './conflictedSubgraph.js';
export { reverseTopologicalPowerSort } from './reverseTopologicalPowerSort.js';
export { mainlineOf, mainlineSort } from './mainlineSort.js';
export { iterativeAuthChecks } from './iterativeAuthChecks.js';
export { senderPowerLevel } from './senderPowerLevel.js';
export { isPowerEvent } from './eventHelpers.js';
export { resolveV1, sortByDepthThenSha1Desc } from './resolveV1.js';
export { resolveV2, fullConflictedSet, powerEventClosure } from './resolveV2.js';

/**
 * Resolves state sets into one state, with the algorithm the room version's
 * `stateRes` flag names. Pure: reads events only through `input.getEvent`.
 */
export function resolveState(rules: RoomVersionRules, input: StateResInput): Map<StateKey, string> {
  return rules.stateRes === 'v1' ? resolveV1(rules, input) : resolveV2(rules, input);
}
