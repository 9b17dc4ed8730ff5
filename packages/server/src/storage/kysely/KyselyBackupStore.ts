// Server-side key backup storage (client-server-api "Server-side key backups";
// tables from ../migrations/e2ee.ts).
import type { Kysely, Transaction } from 'kysely';
import type { SqlDb } from '../Database.js';
import { isUniqueViolation } from '../dialect.js';
import type { BackupKeyRow, BackupStore, BackupVersionRow } from '../ports/e2ee.js';

interface Tables {
  backup_versions: { user_id: string; version: number; algorithm: string; auth_data_json: string; etag: number; deleted: number };
  backup_keys: {
    user_id: string; version: number; room_id: string; session_id: string; first_message_index: number;
    forwarded_count: number; is_verified: number; session_data_json: string;
  };
}

export class KyselyBackupStore implements BackupStore {
  private readonly db: Kysely<Tables>;
  constructor(db: SqlDb) {
    this.db = db as Kysely<Tables>;
  }

  async createVersion(userId: string, algorithm: string, authDataJson: string): Promise<number> {
    for (let attempt = 0; ; attempt++) {
      try {
        return await this.db.transaction().execute(async (tx) => {
          const r = await tx.selectFrom('backup_versions').select((eb) => eb.fn.max('version').as('m')).where('user_id', '=', userId).executeTakeFirst();
          const version = (r?.m === null || r?.m === undefined ? 0 : Number(r.m)) + 1;
          await tx.insertInto('backup_versions').values({ user_id: userId, version, algorithm, auth_data_json: authDataJson, etag: 0, deleted: 0 }).execute();
          return version;
        });
      } catch (err) {
        // Two creations racing for the same number (PostgreSQL): take the next.
        if (!isUniqueViolation(err) || attempt >= 5) throw err;
      }
    }
  }

  async latestVersion(userId: string): Promise<BackupVersionRow | undefined> {
    const r = await this.db.selectFrom('backup_versions').selectAll().where('user_id', '=', userId).where('deleted', '=', 0)
      .orderBy('version', 'desc').limit(1).executeTakeFirst();
    return r && toVersion(r);
  }

  async getVersion(userId: string, version: number): Promise<BackupVersionRow | undefined> {
    const r = await this.db.selectFrom('backup_versions').selectAll().where('user_id', '=', userId).where('version', '=', version)
      .where('deleted', '=', 0).executeTakeFirst();
    return r && toVersion(r);
  }

  async versionEverExisted(userId: string, version: number): Promise<boolean> {
    const r = await this.db.selectFrom('backup_versions').select('version').where('user_id', '=', userId).where('version', '=', version).executeTakeFirst();
    return r !== undefined;
  }

  async updateAuthData(userId: string, version: number, authDataJson: string): Promise<void> {
    await this.db.updateTable('backup_versions').set({ auth_data_json: authDataJson })
      .where('user_id', '=', userId).where('version', '=', version).execute();
  }

  async deleteVersion(userId: string, version: number): Promise<void> {
    await this.db.transaction().execute(async (tx) => {
      await tx.updateTable('backup_versions').set({ deleted: 1 }).where('user_id', '=', userId).where('version', '=', version).execute();
      await tx.deleteFrom('backup_keys').where('user_id', '=', userId).where('version', '=', version).execute();
    });
  }

  async countKeys(userId: string, version: number): Promise<number> {
    const r = await this.db.selectFrom('backup_keys').select((eb) => eb.fn.countAll().as('n'))
      .where('user_id', '=', userId).where('version', '=', version).executeTakeFirst();
    return Number(r?.n ?? 0);
  }

  async getKeys(userId: string, version: number, roomId?: string, sessionId?: string): Promise<BackupKeyRow[]> {
    let q = this.db.selectFrom('backup_keys').selectAll().where('user_id', '=', userId).where('version', '=', version);
    if (roomId !== undefined) q = q.where('room_id', '=', roomId);
    if (sessionId !== undefined) q = q.where('session_id', '=', sessionId);
    const rows = await q.orderBy('room_id').orderBy('session_id').execute();
    return rows.map(toKey);
  }

  async putKeys(
    userId: string, version: number, keys: BackupKeyRow[], keepExisting: (existing: BackupKeyRow, incoming: BackupKeyRow) => boolean,
  ): Promise<number> {
    return this.db.transaction().execute(async (tx) => {
      let changed = false;
      for (const k of keys) {
        const old = await tx.selectFrom('backup_keys').selectAll()
          .where('user_id', '=', userId).where('version', '=', version).where('room_id', '=', k.roomId).where('session_id', '=', k.sessionId)
          .executeTakeFirst();
        const values = {
          first_message_index: k.firstMessageIndex, forwarded_count: k.forwardedCount, is_verified: k.isVerified ? 1 : 0, session_data_json: k.sessionDataJson,
        };
        if (old) {
          if (keepExisting(toKey(old), k)) continue;
          await tx.updateTable('backup_keys').set(values)
            .where('user_id', '=', userId).where('version', '=', version).where('room_id', '=', k.roomId).where('session_id', '=', k.sessionId).execute();
        } else {
          await tx.insertInto('backup_keys').values({ user_id: userId, version, room_id: k.roomId, session_id: k.sessionId, ...values }).execute();
        }
        changed = true;
      }
      return changed ? bumpEtag(tx, userId, version) : currentEtag(tx, userId, version);
    });
  }

  async deleteKeys(userId: string, version: number, roomId?: string, sessionId?: string): Promise<number> {
    return this.db.transaction().execute(async (tx) => {
      let q = tx.deleteFrom('backup_keys').where('user_id', '=', userId).where('version', '=', version);
      if (roomId !== undefined) q = q.where('room_id', '=', roomId);
      if (sessionId !== undefined) q = q.where('session_id', '=', sessionId);
      const res = await q.executeTakeFirst();
      return Number(res.numDeletedRows) > 0 ? bumpEtag(tx, userId, version) : currentEtag(tx, userId, version);
    });
  }
}

async function bumpEtag(tx: Transaction<Tables>, userId: string, version: number): Promise<number> {
  await tx.updateTable('backup_versions').set((eb) => ({ etag: eb('etag', '+', 1) })).where('user_id', '=', userId).where('version', '=', version).execute();
  return currentEtag(tx, userId, version);
}

async function currentEtag(tx: Transaction<Tables>, userId: string, version: number): Promise<number> {
  const r = await tx.selectFrom('backup_versions').select('etag').where('user_id', '=', userId).where('version', '=', version).executeTakeFirst();
  return Number(r?.etag ?? 0);
}

function toVersion(r: Tables['backup_versions']): BackupVersionRow {
  return { version: Number(r.version), algorithm: r.algorithm, authDataJson: r.auth_data_json, etag: Number(r.etag) };
}

function toKey(r: Tables['backup_keys']): BackupKeyRow {
  return {
    roomId: r.room_id, sessionId: r.session_id, firstMessageIndex: Number(r.first_message_index), forwardedCount: Number(r.forwarded_count),
    isVerified: Number(r.is_verified) === 1, sessionDataJson: r.session_data_json,
  };
}
