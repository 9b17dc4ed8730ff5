// Public API of core/ids (re-exported by ../index.ts).
export * from './serverName.js';
export * from './identifiers.js';
