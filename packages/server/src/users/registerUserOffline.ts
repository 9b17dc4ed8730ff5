// `weft register`: creates an account straight through the storage layer (the
// server may be running; SQLite's busy_timeout and PostgreSQL's MVCC make the
// concurrent write safe).
import type { HomeserverConfig } from '../config/HomeserverConfig.js';
import { databaseOptions } from '../main.js';
import { openStorage } from '../storage/Storage.js';
import { AccountService } from './AccountService.js';
import { SessionService } from '../auth/SessionService.js';

export async function registerUserOffline(config: HomeserverConfig, o: { user: string; password: string; admin: boolean }): Promise<string> {
  const storage = await openStorage(databaseOptions(config));
  try {
    const sessions = new SessionService({
      users: storage.users,
      devices: storage.devices,
      tokens: storage.tokens,
      refreshableTokenLifetimeMs: config.refreshable_access_token_lifetime_ms,
      hooks: { onDevicesDeleted: [], onDeviceCreated: [], onDeviceRenamed: [] },
    });
    const accounts = new AccountService({ serverName: config.server_name, users: storage.users, sessions, hooks: { onProfileChanged: [], onUserDeactivated: [] } });
    const localpart = o.user.startsWith('@') ? o.user.slice(1, o.user.indexOf(':') > 0 ? o.user.indexOf(':') : undefined) : o.user;
    return await accounts.register({ localpart: localpart.toLowerCase(), password: o.password, admin: o.admin });
  } finally {
    await storage.close();
  }
}
