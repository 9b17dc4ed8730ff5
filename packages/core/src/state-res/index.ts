// Public API of core/state-res (re-exported by ../index.ts).
// Spec: content/rooms/v1.md, content/rooms/fragments/v2-state-res.md,
// content/rooms/v12.md "State resolution".

export type { StateResInput } from './StateResInput.js';
export { separate, type SeparatedState } from './separate.js';
export { authChainOf } from './authChain.js';
export { authDifference } from './authDifference.js';
export { conflictedSubgraph } from './conflictedSubgraph.js';
export { reverseTopologicalPowerSort } from './reverseTopologicalPowerSort.js';
export { mainlineOf, mainlineSort } from './mainlineSort.js';
export { isPowerEvent } from './eventHelpers.js';
