// Public API of core/auth (re-exported by ../index.ts).
