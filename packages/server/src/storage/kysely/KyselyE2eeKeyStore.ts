// E2EE key storage: device keys, one-time and fallback keys, cross-signing keys
// and signatures (tables from ../migrations/e2ee.ts).
import { sql, type Generated, type Kysely } from 'kysely';
import type { Engine, SqlDb } from '../Database.js';
import type {
  ClaimedKey, CrossSigningKeyRow, CrossSigningKeyType, DeviceKeysRow, E2eeKeyStore, NewOneTimeKey, SignatureRow,
} from '../ports/e2ee.js';

interface Tables {
  e2e_device_keys: { user_id: string; device_id: string; key_json: string; uploaded_ts: number };
  e2e_one_time_keys: { id: Generated<number>; user_id: string; device_id: string; algorithm: string; key_id: string; key_json: string };
  e2e_fallback_keys: { user_id: string; device_id: string; algorithm: string; key_id: string; key_json: string; used: number };
  e2e_cross_signing_keys: { user_id: string; key_type: string; public_key: string; key_json: string; uploaded_ts: number };
  e2e_signatures: { signer_user_id: string; signer_key_id: string; target_user_id: string; target_key_id: string; signature: string };
  devices: { user_id: string; device_id: string; display_name: string | null };
}

export class KyselyE2eeKeyStore implements E2eeKeyStore {
  private readonly db: Kysely<Tables>;
  constructor(db: SqlDb, private readonly engine: Engine) {
    this.db = db as Kysely<Tables>;
  }

  async getDeviceKeys(userId: string, deviceId: string): Promise<string | undefined> {
    const r = await this.db.selectFrom('e2e_device_keys').select('key_json')
      .where('user_id', '=', userId).where('device_id', '=', deviceId).executeTakeFirst();
    return r?.key_json;
  }

  async setDeviceKeys(userId: string, deviceId: string, keyJson: string, nowTs: number): Promise<void> {
    await this.db.insertInto('e2e_device_keys')
      .values({ user_id: userId, device_id: deviceId, key_json: keyJson, uploaded_ts: nowTs })
      .onConflict((oc) => oc.columns(['user_id', 'device_id']).doUpdateSet({ key_json: keyJson, uploaded_ts: nowTs }))
      .execute();
  }

  async queryDeviceKeys(query: { userId: string; deviceIds: string[] | null }[]): Promise<DeviceKeysRow[]> {
    const out: DeviceKeysRow[] = [];
    const base = () => this.db.selectFrom('e2e_device_keys as k')
      .innerJoin('devices as d', (j) => j.onRef('d.user_id', '=', 'k.user_id').onRef('d.device_id', '=', 'k.device_id'))
      .select(['k.user_id', 'k.device_id', 'k.key_json', 'd.display_name']);
    const push = (rows: { user_id: string; device_id: string; key_json: string; display_name: string | null }[]) => {
      for (const r of rows) out.push({ userId: r.user_id, deviceId: r.device_id, keyJson: r.key_json, displayName: r.display_name });
    };
    // Whole users (the common case: clients query every member of a room) in a few batched queries.
    const whole = query.filter((q) => q.deviceIds === null).map((q) => q.userId);
    for (let i = 0; i < whole.length; i += 500) {
      push(await base().where('k.user_id', 'in', whole.slice(i, i + 500)).orderBy('k.user_id').orderBy('k.device_id').execute());
    }
    for (const q of query) {
      if (q.deviceIds === null || q.deviceIds.length === 0) continue;
      push(await base().where('k.user_id', '=', q.userId).where('k.device_id', 'in', q.deviceIds).orderBy('k.device_id').execute());
    }
    return out;
  }

  async addOneTimeKeys(userId: string, deviceId: string, keys: NewOneTimeKey[]): Promise<{ conflicts: string[] }> {
    if (keys.length === 0) return { conflicts: [] };
    return this.db.transaction().execute(async (tx) => {
      const existing = new Map<string, string>();
      const ids = keys.map((k) => k.keyId);
      for (let i = 0; i < ids.length; i += 500) {
        const rows = await tx.selectFrom('e2e_one_time_keys').select(['algorithm', 'key_id', 'key_json'])
          .where('user_id', '=', userId).where('device_id', '=', deviceId).where('key_id', 'in', ids.slice(i, i + 500)).execute();
        for (const r of rows) existing.set(`${r.algorithm}:${r.key_id}`, r.key_json);
      }
      const conflicts: string[] = [];
      const fresh: NewOneTimeKey[] = [];
      for (const k of keys) {
        const old = existing.get(`${k.algorithm}:${k.keyId}`);
        if (old === undefined) fresh.push(k);
        else if (old !== k.keyJson) conflicts.push(`${k.algorithm}:${k.keyId}`);
      }
      if (conflicts.length > 0 || fresh.length === 0) return { conflicts };
      for (let i = 0; i < fresh.length; i += 200) {
        await tx.insertInto('e2e_one_time_keys')
          .values(fresh.slice(i, i + 200).map((k) => ({ user_id: userId, device_id: deviceId, algorithm: k.algorithm, key_id: k.keyId, key_json: k.keyJson })))
          .execute();
      }
      return { conflicts };
    });
  }

  async oneTimeKeyCounts(userId: string, deviceId: string): Promise<Record<string, number>> {
    const rows = await this.db.selectFrom('e2e_one_time_keys')
      .select((eb) => ['algorithm', eb.fn.countAll().as('n')])
      .where('user_id', '=', userId).where('device_id', '=', deviceId)
      .groupBy('algorithm').execute();
    const out: Record<string, number> = {};
    for (const r of rows) out[r.algorithm as string] = Number(r.n);
    return out;
  }

  async setFallbackKey(userId: string, deviceId: string, key: NewOneTimeKey): Promise<void> {
    await this.db.transaction().execute(async (tx) => {
      const old = await tx.selectFrom('e2e_fallback_keys').select(['key_id', 'key_json'])
        .where('user_id', '=', userId).where('device_id', '=', deviceId).where('algorithm', '=', key.algorithm).executeTakeFirst();
      // An identical re-upload must not make a used key look fresh again.
      if (old && old.key_id === key.keyId && old.key_json === key.keyJson) return;
      await tx.insertInto('e2e_fallback_keys')
        .values({ user_id: userId, device_id: deviceId, algorithm: key.algorithm, key_id: key.keyId, key_json: key.keyJson, used: 0 })
        .onConflict((oc) => oc.columns(['user_id', 'device_id', 'algorithm']).doUpdateSet({ key_id: key.keyId, key_json: key.keyJson, used: 0 }))
        .execute();
    });
  }

  async unusedFallbackKeyTypes(userId: string, deviceId: string): Promise<string[]> {
    const rows = await this.db.selectFrom('e2e_fallback_keys').select('algorithm')
      .where('user_id', '=', userId).where('device_id', '=', deviceId).where('used', '=', 0).orderBy('algorithm').execute();
    return rows.map((r) => r.algorithm);
  }

  async claimOneTimeKey(userId: string, deviceId: string, algorithm: string): Promise<ClaimedKey | undefined> {
    // One statement: pick the oldest key and delete it, returning what was
    // deleted. On PostgreSQL (READ COMMITTED, concurrent transactions) the row
    // lock with SKIP LOCKED makes concurrent claims take different keys instead
    // of racing for one; SQLite runs the statement alone on its one connection.
    const lock = this.engine === 'postgres' ? sql` for update skip locked` : sql``;
    const res = await sql<{ key_id: string; key_json: string }>`
      delete from e2e_one_time_keys where id = (
        select id from e2e_one_time_keys
        where user_id = ${userId} and device_id = ${deviceId} and algorithm = ${algorithm}
        order by id limit 1${lock}
      ) returning key_id, key_json`.execute(this.db);
    const row = res.rows[0];
    return row && { algorithm, keyId: row.key_id, keyJson: row.key_json };
  }

  async claimFallbackKey(userId: string, deviceId: string, algorithm: string): Promise<ClaimedKey | undefined> {
    const res = await this.db.updateTable('e2e_fallback_keys').set({ used: 1 })
      .where('user_id', '=', userId).where('device_id', '=', deviceId).where('algorithm', '=', algorithm)
      .returning(['key_id', 'key_json']).executeTakeFirst();
    return res && { algorithm, keyId: res.key_id, keyJson: res.key_json };
  }

  async deleteDevices(userId: string, deviceIds: string[]): Promise<void> {
    if (deviceIds.length === 0) return;
    await this.db.transaction().execute(async (tx) => {
      for (const table of ['e2e_device_keys', 'e2e_one_time_keys', 'e2e_fallback_keys'] as const) {
        await tx.deleteFrom(table).where('user_id', '=', userId).where('device_id', 'in', deviceIds).execute();
      }
      await tx.deleteFrom('e2e_signatures').where('target_user_id', '=', userId).where('target_key_id', 'in', deviceIds).execute();
      await tx.deleteFrom('e2e_signatures').where('signer_user_id', '=', userId)
        .where('signer_key_id', 'in', deviceIds.map((d) => `ed25519:${d}`)).execute();
    });
  }

  async crossSigningKeys(userIds: string[]): Promise<CrossSigningKeyRow[]> {
    if (userIds.length === 0) return [];
    const rows = await this.db.selectFrom('e2e_cross_signing_keys').select(['user_id', 'key_type', 'public_key', 'key_json'])
      .where('user_id', 'in', userIds).execute();
    return rows.map((r) => ({ userId: r.user_id, type: r.key_type as CrossSigningKeyType, publicKey: r.public_key, keyJson: r.key_json }));
  }

  async setCrossSigningKeys(userId: string, keys: CrossSigningKeyRow[], nowTs: number): Promise<void> {
    await this.db.transaction().execute(async (tx) => {
      for (const k of keys) {
        await tx.insertInto('e2e_cross_signing_keys')
          .values({ user_id: userId, key_type: k.type, public_key: k.publicKey, key_json: k.keyJson, uploaded_ts: nowTs })
          .onConflict((oc) => oc.columns(['user_id', 'key_type']).doUpdateSet({ public_key: k.publicKey, key_json: k.keyJson, uploaded_ts: nowTs }))
          .execute();
      }
    });
  }

  async addSignatures(rows: SignatureRow[]): Promise<void> {
    if (rows.length === 0) return;
    await this.db.transaction().execute(async (tx) => {
      for (const r of rows) {
        await tx.insertInto('e2e_signatures')
          .values({ signer_user_id: r.signerUserId, signer_key_id: r.signerKeyId, target_user_id: r.targetUserId, target_key_id: r.targetKeyId, signature: r.signature })
          .onConflict((oc) => oc.columns(['target_user_id', 'target_key_id', 'signer_user_id', 'signer_key_id']).doUpdateSet({ signature: r.signature }))
          .execute();
      }
    });
  }

  async signaturesOn(targetUserIds: string[]): Promise<SignatureRow[]> {
    if (targetUserIds.length === 0) return [];
    const rows = await this.db.selectFrom('e2e_signatures').selectAll().where('target_user_id', 'in', targetUserIds).execute();
    return rows.map((r) => ({
      signerUserId: r.signer_user_id, signerKeyId: r.signer_key_id, targetUserId: r.target_user_id, targetKeyId: r.target_key_id, signature: r.signature,
    }));
  }
}
