// MediaStore over Kysely (both engines).
import type { Kysely } from 'kysely';
import type { SqlDb } from '../Database.js';
import type { LocalMedia, MediaStore } from '../ports/media.js';

interface LocalMediaTable {
  media_id: string;
  content_type: string;
  upload_name: string | null;
  size: number;
  sha256: string;
  user_id: string;
  created_ts: number;
}

export class KyselyMediaStore implements MediaStore {
  private readonly db: Kysely<{ local_media: LocalMediaTable }>;
  constructor(db: SqlDb) {
    this.db = db as Kysely<{ local_media: LocalMediaTable }>;
  }

  async insert(m: LocalMedia): Promise<void> {
    await this.db
      .insertInto('local_media')
      .values({ media_id: m.mediaId, content_type: m.contentType, upload_name: m.uploadName, size: m.size, sha256: m.sha256, user_id: m.userId, created_ts: m.createdTs })
      .execute();
  }

  async get(mediaId: string): Promise<LocalMedia | undefined> {
    const r = await this.db.selectFrom('local_media').selectAll().where('media_id', '=', mediaId).executeTakeFirst();
    return r && {
      mediaId: r.media_id, contentType: r.content_type, uploadName: r.upload_name, size: Number(r.size),
      sha256: r.sha256, userId: r.user_id, createdTs: Number(r.created_ts),
    };
  }
}
