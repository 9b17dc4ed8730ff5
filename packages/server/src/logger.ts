import { pino, type Logger } from 'pino';
import type { HomeserverConfig } from './config/HomeserverConfig.js';

/** One pino logger for the process (JSON lines on stdout). */
export function createLogger(level: HomeserverConfig['log_level']): Logger {
  return pino({ level, base: { name: 'weft' } });
}
