// Public API of core/json (re-exported by ../index.ts).
