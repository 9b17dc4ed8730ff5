// Public API of core/auth (re-exported by ../index.ts): the authorization rules of room
// versions 1–12 and auth events selection. See ../../README.md "Authorization".
export { type AuthStateLookup, type AuthVerdict } from './AuthVerdict.js';
export { checkEventAuth } from './checkEventAuth.js';
export { checkAuthEventsShape, lookupFromAuthEvents } from './checkAuthEventsShape.js';
export { authEventKeys, selectAuthEvents } from './authEventsSelection.js';
export {
  userPowerLevel, requiredPowerLevelForEvent, parsePowerLevel, namedLevel,
  NAMED_LEVEL_DEFAULTS, type NamedLevel,
} from './powerLevelValues.js';
export { creatorsOf } from './authHelpers.js';
export { thirdPartyInviteKeys } from './thirdPartyInvite.js';
