// Public API of core/crypto (re-exported by ../index.ts).
export * from './base64.js';
export * from './sha256.js';
export * from './SigningKey.js';
export * from './signJson.js';
