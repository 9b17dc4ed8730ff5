// Push rules (client-server-api/modules/push.md): default rules, merging with a
// user's own rules, and evaluation of a ruleset against an event.
export * from './types.js';
export * from './defaultPushRules.js';
export * from './userPushRules.js';
export { splitPropertyPath, lookupPropertyPath } from './propertyPath.js';
export { globMatches, containsWord } from './glob.js';
export { conditionMatches, memberCountMatches, type PushEvaluationContext, type PushEvent } from './conditions.js';
export * from './evaluatePushRules.js';
