import type { Kysely } from 'kysely';
import type { SqlDb } from '../Database.js';
import type { DeviceRecord, DeviceStore } from '../ports/accounts.js';

interface DevicesTable {
  user_id: string;
  device_id: string;
  display_name: string | null;
  created_ts: number;
  last_seen_ts: number | null;
  last_seen_ip: string | null;
}
interface Tables {
  devices: DevicesTable;
  access_tokens: { user_id: string; device_id: string };
  refresh_tokens: { user_id: string; device_id: string };
}

export class KyselyDeviceStore implements DeviceStore {
  private readonly db: Kysely<Tables>;
  constructor(db: SqlDb) {
    this.db = db as Kysely<Tables>;
  }

  async ensureDevice(userId: string, deviceId: string, displayName: string | null, nowTs: number): Promise<boolean> {
    const res = await this.db
      .insertInto('devices')
      .values({ user_id: userId, device_id: deviceId, display_name: displayName, created_ts: nowTs, last_seen_ts: nowTs, last_seen_ip: null })
      .onConflict((oc) => oc.columns(['user_id', 'device_id']).doNothing())
      .executeTakeFirst();
    return Number(res.numInsertedOrUpdatedRows ?? 0) > 0;
  }

  async getDevice(userId: string, deviceId: string): Promise<DeviceRecord | undefined> {
    const r = await this.db.selectFrom('devices').selectAll().where('user_id', '=', userId).where('device_id', '=', deviceId).executeTakeFirst();
    return r && toRecord(r);
  }

  async listDevices(userId: string): Promise<DeviceRecord[]> {
    const rows = await this.db.selectFrom('devices').selectAll().where('user_id', '=', userId).orderBy('device_id').execute();
    return rows.map(toRecord);
  }

  async setDisplayName(userId: string, deviceId: string, displayName: string | null): Promise<boolean> {
    const res = await this.db
      .updateTable('devices')
      .set({ display_name: displayName })
      .where('user_id', '=', userId)
      .where('device_id', '=', deviceId)
      .executeTakeFirst();
    return Number(res.numUpdatedRows) > 0;
  }

  async updateLastSeen(userId: string, deviceId: string, ts: number, ip: string): Promise<void> {
    await this.db
      .updateTable('devices')
      .set({ last_seen_ts: ts, last_seen_ip: ip })
      .where('user_id', '=', userId)
      .where('device_id', '=', deviceId)
      .execute();
  }

  async deleteDevices(userId: string, deviceIds: string[]): Promise<void> {
    if (deviceIds.length === 0) return;
    await this.db.transaction().execute(async (tx) => {
      for (const table of ['access_tokens', 'refresh_tokens', 'devices'] as const) {
        await tx.deleteFrom(table).where('user_id', '=', userId).where('device_id', 'in', deviceIds).execute();
      }
    });
  }
}

function toRecord(r: DevicesTable): DeviceRecord {
  return {
    userId: r.user_id,
    deviceId: r.device_id,
    displayName: r.display_name,
    createdTs: Number(r.created_ts),
    lastSeenTs: r.last_seen_ts === null ? null : Number(r.last_seen_ts),
    lastSeenIp: r.last_seen_ip,
  };
}
