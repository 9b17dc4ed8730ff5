// MSC3814 dehydrated devices and cursor-based reads of their to-device inbox
// (tables from ../migrations/e2ee.ts).
import { sql, type Generated, type Kysely } from 'kysely';
import type { SqlDb } from '../Database.js';
import type { DehydratedDeviceStore, InboxCursor, ToDeviceRow } from '../ports/e2ee.js';

interface Tables {
  e2e_dehydrated_devices: { user_id: string; device_id: string; device_data_json: string };
  to_device_inbox: { id: Generated<number>; user_id: string; device_id: string; stream_pos: number; orig_pos: number; sender: string; type: string; content_json: string };
}

export class KyselyE2eeDehydratedStore implements DehydratedDeviceStore {
  private readonly db: Kysely<Tables>;
  constructor(db: SqlDb) {
    this.db = db as Kysely<Tables>;
  }

  async get(userId: string): Promise<{ deviceId: string; deviceDataJson: string } | undefined> {
    const r = await this.db.selectFrom('e2e_dehydrated_devices').selectAll().where('user_id', '=', userId).executeTakeFirst();
    return r && { deviceId: r.device_id, deviceDataJson: r.device_data_json };
  }

  async set(userId: string, deviceId: string, deviceDataJson: string): Promise<string | undefined> {
    return this.db.transaction().execute(async (tx) => {
      const old = await tx.selectFrom('e2e_dehydrated_devices').select('device_id').where('user_id', '=', userId).executeTakeFirst();
      await tx.insertInto('e2e_dehydrated_devices').values({ user_id: userId, device_id: deviceId, device_data_json: deviceDataJson })
        .onConflict((oc) => oc.column('user_id').doUpdateSet({ device_id: deviceId, device_data_json: deviceDataJson }))
        .execute();
      return old?.device_id;
    });
  }

  async remove(userId: string): Promise<string | undefined> {
    const r = await this.db.deleteFrom('e2e_dehydrated_devices').where('user_id', '=', userId).returning('device_id').executeTakeFirst();
    return r?.device_id;
  }

  async acknowledgeInbox(userId: string, deviceId: string, c: InboxCursor): Promise<void> {
    await this.db.deleteFrom('to_device_inbox').where('user_id', '=', userId).where('device_id', '=', deviceId)
      .where(sql<boolean>`(stream_pos, orig_pos, id) <= (${c.streamPos}, ${c.origPos}, ${c.id})`).execute();
  }

  async inboxAfter(userId: string, deviceId: string, c: InboxCursor | null, upto: number, limit: number): Promise<ToDeviceRow[]> {
    let q = this.db.selectFrom('to_device_inbox').select(['id', 'stream_pos', 'orig_pos', 'sender', 'type', 'content_json'])
      .where('user_id', '=', userId).where('device_id', '=', deviceId).where('stream_pos', '<=', upto);
    if (c) q = q.where(sql<boolean>`(stream_pos, orig_pos, id) > (${c.streamPos}, ${c.origPos}, ${c.id})`);
    const rows = await q.orderBy('stream_pos').orderBy('orig_pos').orderBy('id').limit(limit).execute();
    return rows.map((r) => ({
      id: Number(r.id), streamPos: Number(r.stream_pos), origPos: Number(r.orig_pos), sender: r.sender, type: r.type, contentJson: r.content_json,
    }));
  }
}
