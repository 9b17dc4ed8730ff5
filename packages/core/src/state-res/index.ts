// Public API of core/state-res (re-exported by ../index.ts).
