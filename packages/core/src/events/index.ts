// Public API of core/events (re-exported by ../index.ts).
export * from './types.js';
export * from './redact.js';
export * from './hashes.js';
export * from './signEvent.js';
export * from './checkPduFormat.js';
export * from './buildEvent.js';
