// @weft/core — the pure Matrix protocol library. No file, network, timer, clock
// or randomness in here: time and keys are passed in. See ../README.md.
export * from './json/index.js';
export * from './ids/index.js';
export * from './crypto/index.js';
export * from './events/index.js';
export * from './room-versions/index.js';
export * from './auth/index.js';
export * from './state-res/index.js';
export * from './errors/index.js';
export * from './push-rules/index.js';
