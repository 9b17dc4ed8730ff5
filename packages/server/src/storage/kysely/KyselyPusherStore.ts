// PusherStore over Kysely (both engines).
import type { Kysely } from 'kysely';
import type { SqlDb } from '../Database.js';
import type { OutboxItem, Pusher, PushEventRow, PusherStore } from '../ports/pushers.js';

/** Rows per IN list (far below both engines' parameter limits). */
const CHUNK = 500;

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type AnyDb = Kysely<any>;

export class KyselyPusherStore implements PusherStore {
  private readonly db: AnyDb;
  constructor(db: SqlDb) {
    this.db = db;
  }

  async all(): Promise<Pusher[]> {
    const rows = await this.db.selectFrom('pushers').selectAll().orderBy('id').execute();
    return rows.map((r) => ({
      id: Number(r.id), userId: r.user_id, deviceId: r.device_id, appId: r.app_id, pushkey: r.pushkey, kind: r.kind,
      appDisplayName: r.app_display_name, deviceDisplayName: r.device_display_name, profileTag: r.profile_tag, lang: r.lang,
      data: JSON.parse(r.data_json) as Record<string, unknown>, createdTs: Number(r.created_ts),
    }));
  }

  async upsert(p: Omit<Pusher, 'id'>): Promise<void> {
    const values = {
      user_id: p.userId, device_id: p.deviceId, app_id: p.appId, pushkey: p.pushkey, kind: p.kind, app_display_name: p.appDisplayName,
      device_display_name: p.deviceDisplayName, profile_tag: p.profileTag, lang: p.lang, data_json: JSON.stringify(p.data), created_ts: p.createdTs,
    };
    await this.db
      .insertInto('pushers')
      .values(values)
      .onConflict((oc) => oc.columns(['user_id', 'app_id', 'pushkey']).doUpdateSet({ ...values }))
      .execute();
  }

  async delete(appId: string, pushkey: string, who: { userId: string } | { exceptUserId: string } | 'all'): Promise<void> {
    let q = this.db.deleteFrom('pushers').where('app_id', '=', appId).where('pushkey', '=', pushkey);
    if (who !== 'all') q = 'userId' in who ? q.where('user_id', '=', who.userId) : q.where('user_id', '!=', who.exceptUserId);
    await q.execute();
  }

  async deleteForDevices(userId: string, deviceIds: readonly string[]): Promise<void> {
    for (let i = 0; i < deviceIds.length; i += CHUNK) {
      await this.db.deleteFrom('pushers').where('user_id', '=', userId).where('device_id', 'in', deviceIds.slice(i, i + CHUNK)).execute();
    }
  }

  async pushedThrough(): Promise<number> {
    const r = await this.db.selectFrom('push_progress').select('pushed_through').where('id', '=', 1).executeTakeFirst();
    return Number(r?.pushed_through ?? 0);
  }

  async setPushedThrough(pos: number): Promise<void> {
    await this.db.updateTable('push_progress').set({ pushed_through: pos }).where('id', '=', 1).execute();
  }

  async events(after: number, upto: number, limit: number): Promise<PushEventRow[]> {
    const rows = await this.db
      .selectFrom('events as e')
      .innerJoin('rooms as r', 'r.room_nid', 'e.room_nid')
      .select(['e.event_id', 'e.room_nid', 'r.room_id', 'e.stream_pos', 'e.sender', 'e.json', 'e.redacted_by'])
      .where('e.stream_pos', '>', after)
      .where('e.stream_pos', '<=', upto)
      .orderBy('e.stream_pos')
      .limit(limit)
      .execute();
    return rows.map((r) => ({ eventId: r.event_id, roomNid: Number(r.room_nid), roomId: r.room_id, streamPos: Number(r.stream_pos), sender: r.sender, json: r.json, redactedBy: r.redacted_by }));
  }

  async joinedMembers(roomNid: number): Promise<{ userId: string; joinedAt: number }[]> {
    const rows = await this.db
      .selectFrom('current_state as cs')
      .innerJoin('events as e', 'e.event_nid', 'cs.event_nid')
      .select(['cs.state_key', 'e.stream_pos'])
      .where('cs.room_nid', '=', roomNid)
      .where('cs.type', '=', 'm.room.member')
      .where('cs.membership', '=', 'join')
      .execute();
    return rows.map((r) => ({ userId: r.state_key, joinedAt: Number(r.stream_pos) }));
  }

  async enqueue(items: readonly { pusherId: number; bodyJson: string }[], pushedThrough: number, nowTs: number): Promise<void> {
    await this.db.transaction().execute(async (tx) => {
      for (let i = 0; i < items.length; i += CHUNK / 5) {
        const chunk = items.slice(i, i + CHUNK / 5);
        await tx.insertInto('push_outbox').values(chunk.map((it) => ({ pusher_id: it.pusherId, body_json: it.bodyJson, attempts: 0, next_try_ts: nowTs }))).execute();
      }
      await tx.updateTable('push_progress').set({ pushed_through: pushedThrough }).where('id', '=', 1).execute();
    });
  }

  async due(nowTs: number, limit: number): Promise<OutboxItem[]> {
    const rows = await this.db
      .selectFrom('push_outbox')
      .select(['id', 'pusher_id', 'body_json', 'attempts'])
      .where('next_try_ts', '<=', nowTs)
      .orderBy('id')
      .limit(limit)
      .execute();
    return rows.map((r) => ({ id: Number(r.id), pusherId: Number(r.pusher_id), bodyJson: r.body_json, attempts: Number(r.attempts) }));
  }

  async done(id: number): Promise<void> {
    await this.db.deleteFrom('push_outbox').where('id', '=', id).execute();
  }

  async retryAt(id: number, attempts: number, nextTryTs: number): Promise<void> {
    await this.db.updateTable('push_outbox').set({ attempts, next_try_ts: nextTryTs }).where('id', '=', id).execute();
  }
}
