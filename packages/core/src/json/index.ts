// Public API of core/json (re-exported by ../index.ts).
export * from './canonicalJson.js';
export * from './parseJson.js';
