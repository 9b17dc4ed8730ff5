// Public API of core/ids (re-exported by ../index.ts).
