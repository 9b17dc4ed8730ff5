// Public API of core/ids (re-exported by ../index.ts).
export * from './domain.js';
export * from './identifiers.js';
