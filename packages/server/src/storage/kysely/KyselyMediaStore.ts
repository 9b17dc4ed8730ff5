// MediaStore over Kysely (both engines).
import type { Kysely } from 'kysely';
import type { SqlDb } from '../Database.js';
import type { LocalMedia, MediaStore, PendingMedia } from '../ports/media.js';

interface LocalMediaTable {
  media_id: string;
  content_type: string;
  upload_name: string | null;
  size: number;
  sha256: string;
  user_id: string;
  created_ts: number;
}

interface PendingMediaTable {
  media_id: string;
  user_id: string;
  expires_ts: number;
}

type MediaTables = { local_media: LocalMediaTable; pending_media: PendingMediaTable };

export class KyselyMediaStore implements MediaStore {
  private readonly db: Kysely<MediaTables>;
  constructor(db: SqlDb) {
    this.db = db as Kysely<MediaTables>;
  }

  async insert(m: LocalMedia): Promise<void> {
    await this.db.transaction().execute(async (tx) => {
      await tx
        .insertInto('local_media')
        .values({ media_id: m.mediaId, content_type: m.contentType, upload_name: m.uploadName, size: m.size, sha256: m.sha256, user_id: m.userId, created_ts: m.createdTs })
        .execute();
      await tx.deleteFrom('pending_media').where('media_id', '=', m.mediaId).execute();
    });
  }

  async reserve(p: PendingMedia): Promise<void> {
    await this.db.insertInto('pending_media').values({ media_id: p.mediaId, user_id: p.userId, expires_ts: p.expiresTs }).execute();
  }

  async reservation(mediaId: string): Promise<PendingMedia | undefined> {
    const r = await this.db.selectFrom('pending_media').selectAll().where('media_id', '=', mediaId).executeTakeFirst();
    return r && { mediaId: r.media_id, userId: r.user_id, expiresTs: Number(r.expires_ts) };
  }

  async countReservations(userId: string, nowTs: number): Promise<number> {
    const r = await this.db
      .selectFrom('pending_media')
      .select((eb) => eb.fn.countAll().as('n'))
      .where('user_id', '=', userId)
      .where('expires_ts', '>', nowTs)
      .executeTakeFirst();
    return Number(r?.n ?? 0);
  }

  async get(mediaId: string): Promise<LocalMedia | undefined> {
    const r = await this.db.selectFrom('local_media').selectAll().where('media_id', '=', mediaId).executeTakeFirst();
    return r && {
      mediaId: r.media_id, contentType: r.content_type, uploadName: r.upload_name, size: Number(r.size),
      sha256: r.sha256, userId: r.user_id, createdTs: Number(r.created_ts),
    };
  }
}
