// Every schema migration, in the order they apply. Areas APPEND their entries
// (never reorder or rename an id once committed).
import type { Migration } from '../migrate.js';
import { accounts001 } from './accounts.js';
import { rooms001, rooms002, rooms003, rooms004 } from './rooms.js';
import { sync001 } from './sync.js';
import { e2ee001, e2ee002 } from './e2ee.js';
import { relations001 } from './relations.js';
import { media001, media002 } from './media.js';
import { search001 } from './search.js';
import { push001 } from './push.js';
import { reports001 } from './reports.js';
import { openid001 } from './openid.js';

export const migrations: Migration[] = [
  accounts001,
  rooms001,
  sync001,
  e2ee001,
  rooms002,
  e2ee002,
  relations001,
  rooms003,
  rooms004,
  media001,
  search001,
  media002,
  push001,
  reports001,
  openid001,
];
