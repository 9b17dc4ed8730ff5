// Public API of core/events (re-exported by ../index.ts).
export * from './types.js';
