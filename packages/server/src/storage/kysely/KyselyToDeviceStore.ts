// The to-device inbox and send transaction IDs (tables from ../migrations/e2ee.ts).
import { sql, type Generated, type Kysely } from 'kysely';
import type { SqlDb } from '../Database.js';
import type { ToDeviceMessage, ToDeviceRow, ToDeviceStore } from '../ports/e2ee.js';

interface Tables {
  to_device_inbox: {
    id: Generated<number>; user_id: string; device_id: string; stream_pos: number; orig_pos: number; sender: string; type: string; content_json: string;
  };
  to_device_txns: { user_id: string; device_id: string; txn_id: string; created_ts: number };
  devices: { user_id: string; device_id: string };
}

export class KyselyToDeviceStore implements ToDeviceStore {
  private readonly db: Kysely<Tables>;
  constructor(db: SqlDb) {
    this.db = db as Kysely<Tables>;
  }

  async deviceIdsOf(userId: string): Promise<string[]> {
    const rows = await this.db.selectFrom('devices').select('device_id').where('user_id', '=', userId).orderBy('device_id').execute();
    return rows.map((r) => r.device_id);
  }

  async send(sender: { userId: string; deviceId: string; txnId: string }, messages: ToDeviceMessage[], streamPos: number, nowTs: number): Promise<boolean> {
    return this.db.transaction().execute(async (tx) => {
      const res = await tx.insertInto('to_device_txns')
        .values({ user_id: sender.userId, device_id: sender.deviceId, txn_id: sender.txnId, created_ts: nowTs })
        .onConflict((oc) => oc.columns(['user_id', 'device_id', 'txn_id']).doNothing())
        .executeTakeFirst();
      if (Number(res.numInsertedOrUpdatedRows ?? 0) === 0) return false;
      for (let i = 0; i < messages.length; i += 200) {
        await tx.insertInto('to_device_inbox').values(messages.slice(i, i + 200).map((m) => ({
          user_id: m.userId, device_id: m.deviceId, stream_pos: streamPos, orig_pos: streamPos,
          sender: sender.userId, type: m.type, content_json: m.contentJson,
        }))).execute();
      }
      return true;
    });
  }

  async acknowledge(userId: string, deviceId: string, upTo: number): Promise<void> {
    await this.db.deleteFrom('to_device_inbox')
      .where('user_id', '=', userId).where('device_id', '=', deviceId).where('stream_pos', '<=', upTo).execute();
  }

  async pending(userId: string, deviceId: string, after: number | null, upto: number, limit: number): Promise<ToDeviceRow[]> {
    let q = this.db.selectFrom('to_device_inbox').select(['id', 'stream_pos', 'orig_pos', 'sender', 'type', 'content_json'])
      .where('user_id', '=', userId).where('device_id', '=', deviceId).where('stream_pos', '<=', upto);
    if (after !== null) q = q.where('stream_pos', '>', after);
    // Send order (orig_pos), not stream_pos: rows moved forward by a limited sync keep their place.
    const rows = await q.orderBy('orig_pos').orderBy('id').limit(limit).execute();
    return rows.map((r) => ({
      id: Number(r.id), streamPos: Number(r.stream_pos), origPos: Number(r.orig_pos), sender: r.sender, type: r.type, contentJson: r.content_json,
    }));
  }

  async moveAfter(userId: string, deviceId: string, cursor: ToDeviceRow, newPos: number): Promise<void> {
    // Everything sent after the cursor moves, also rows already above `upto`, so
    // the next response carries them all in send order.
    await this.db.updateTable('to_device_inbox').set({ stream_pos: newPos })
      .where('user_id', '=', userId).where('device_id', '=', deviceId).where('stream_pos', '<', newPos)
      .where(sql<boolean>`(orig_pos, id) > (${cursor.origPos}, ${cursor.id})`)
      .execute();
  }

  async deleteDevices(userId: string, deviceIds: string[]): Promise<void> {
    if (deviceIds.length === 0) return;
    await this.db.deleteFrom('to_device_inbox').where('user_id', '=', userId).where('device_id', 'in', deviceIds).execute();
    await this.db.deleteFrom('to_device_txns').where('user_id', '=', userId).where('device_id', 'in', deviceIds).execute();
  }
}
