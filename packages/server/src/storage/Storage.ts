// Opens the database, applies migrations and builds every store. Later areas
// add their stores here (one line each).
import type { Database } from './Database.js';
import { openDatabase, type DatabaseOptions } from './dialect.js';
import { migrate } from './migrate.js';
import { migrations } from './migrations/index.js';
import { KyselyUserStore } from './kysely/KyselyUserStore.js';
import { KyselyDeviceStore } from './kysely/KyselyDeviceStore.js';
import { KyselyTokenStore } from './kysely/KyselyTokenStore.js';
import { KyselyRegistrationTokenStore } from './kysely/KyselyRegistrationTokenStore.js';
import { KyselyRoomStore } from './kysely/KyselyRoomStore.js';
import type { RoomStore } from './ports/rooms.js';
import type { DeviceStore, RegistrationTokenStore, TokenStore, UserStore } from './ports/accounts.js';

export interface Storage {
  database: Database;
  users: UserStore;
  devices: DeviceStore;
  tokens: TokenStore;
  registrationTokens: RegistrationTokenStore;
  rooms: RoomStore;
  close(): Promise<void>;
}

export async function openStorage(opts: DatabaseOptions): Promise<Storage> {
  const database = await openDatabase(opts);
  try {
    await migrate(database, migrations);
  } catch (err) {
    await database.close();
    throw err;
  }
  const { db } = database;
  return {
    database,
    users: new KyselyUserStore(db),
    devices: new KyselyDeviceStore(db),
    tokens: new KyselyTokenStore(db),
    registrationTokens: new KyselyRegistrationTokenStore(db),
    rooms: new KyselyRoomStore(db, database.sqliteConnection),
    close: () => database.close(),
  };
}
