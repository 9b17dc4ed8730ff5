// The parts of the core owned by the foundations (json, crypto, ids, events,
// room versions, CoreError). Tests import these directly rather than through
// '@weft/core' so they do not depend on the state of the other modules.
export * from '../src/json/index.js';
export * from '../src/crypto/index.js';
export * from '../src/ids/index.js';
export * from '../src/events/index.js';
export * from '../src/room-versions/index.js';
export * from '../src/errors/CoreError.js';
