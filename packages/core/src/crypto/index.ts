// Public API of core/crypto (re-exported by ../index.ts).
