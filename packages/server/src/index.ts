// @weft/server public API (used by tests, benchmarks and the CLI).
export { startHomeserver, databaseOptions, type Homeserver, type StartOptions } from './main.js';
export { loadConfig } from './config/loadConfig.js';
export { parseConfig, ConfigError, type HomeserverConfig } from './config/HomeserverConfig.js';
export { generateConfig, type GenerateConfigOptions } from './config/generateConfig.js';
export { openStorage, type Storage } from './storage/Storage.js';
export { Notifier } from './streams/Notifier.js';
export { StreamIdGenerator } from './streams/StreamIdGenerator.js';
