import type { Kysely } from 'kysely';
import type { SqlDb } from '../Database.js';
import type { AccessTokenRecord, RefreshTokenRecord, TokenStore } from '../ports/accounts.js';

interface Tables {
  access_tokens: {
    id: number;
    token_hash: string;
    user_id: string;
    device_id: string;
    created_ts: number;
    expires_ts: number | null;
    refresh_token_id: number | null;
  };
  refresh_tokens: { id: number; token_hash: string; user_id: string; device_id: string; created_ts: number };
}

export class KyselyTokenStore implements TokenStore {
  private readonly db: Kysely<Tables>;
  constructor(db: SqlDb) {
    this.db = db as Kysely<Tables>;
  }

  async insertAccessToken(t: { tokenHash: string; userId: string; deviceId: string; createdTs: number; expiresTs: number | null; refreshTokenId: number | null }): Promise<number> {
    const r = await this.db
      .insertInto('access_tokens')
      .values({ token_hash: t.tokenHash, user_id: t.userId, device_id: t.deviceId, created_ts: t.createdTs, expires_ts: t.expiresTs, refresh_token_id: t.refreshTokenId } as never)
      .returning('id')
      .executeTakeFirstOrThrow();
    return Number(r.id);
  }

  async getAccessToken(tokenHash: string): Promise<AccessTokenRecord | undefined> {
    const r = await this.db
      .selectFrom('access_tokens')
      .select(['id', 'user_id', 'device_id', 'expires_ts', 'refresh_token_id'])
      .where('token_hash', '=', tokenHash)
      .executeTakeFirst();
    if (!r) return undefined;
    return {
      id: Number(r.id),
      userId: r.user_id,
      deviceId: r.device_id,
      expiresTs: r.expires_ts === null ? null : Number(r.expires_ts),
      refreshTokenId: r.refresh_token_id === null ? null : Number(r.refresh_token_id),
    };
  }

  async deleteAccessToken(id: number): Promise<void> {
    await this.db.deleteFrom('access_tokens').where('id', '=', id).execute();
  }

  async insertRefreshToken(t: { tokenHash: string; userId: string; deviceId: string; createdTs: number }): Promise<number> {
    const r = await this.db
      .insertInto('refresh_tokens')
      .values({ token_hash: t.tokenHash, user_id: t.userId, device_id: t.deviceId, created_ts: t.createdTs } as never)
      .returning('id')
      .executeTakeFirstOrThrow();
    return Number(r.id);
  }

  async getRefreshToken(tokenHash: string): Promise<RefreshTokenRecord | undefined> {
    const r = await this.db.selectFrom('refresh_tokens').select(['id', 'user_id', 'device_id']).where('token_hash', '=', tokenHash).executeTakeFirst();
    return r && { id: Number(r.id), userId: r.user_id, deviceId: r.device_id };
  }

  async deleteRefreshToken(id: number): Promise<void> {
    await this.db.deleteFrom('refresh_tokens').where('id', '=', id).execute();
  }

  async deleteUserTokens(userId: string, exceptDeviceId?: string): Promise<void> {
    await this.db.transaction().execute(async (tx) => {
      for (const table of ['access_tokens', 'refresh_tokens'] as const) {
        let q = tx.deleteFrom(table).where('user_id', '=', userId);
        if (exceptDeviceId !== undefined) q = q.where('device_id', '!=', exceptDeviceId);
        await q.execute();
      }
    });
  }

  async deleteDeviceTokens(userId: string, deviceId: string): Promise<void> {
    await this.db.transaction().execute(async (tx) => {
      for (const table of ['access_tokens', 'refresh_tokens'] as const) {
        await tx.deleteFrom(table).where('user_id', '=', userId).where('device_id', '=', deviceId).execute();
      }
    });
  }
}
