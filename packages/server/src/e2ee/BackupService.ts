// Server-side key backups (end_to_end_encryption.md "Server-side key backups";
// data/api/client-server/key_backup.yaml). The server stores opaque encrypted
// session data; it only compares the metadata to decide which copy to keep.
import { MatrixError, canonicalJson } from '@weft/core';
import { isObject, type JsonObject } from '../http/validate.js';
import type { BackupKeyRow, BackupStore, BackupVersionRow } from '../storage/ports/e2ee.js';

const notFound = () => new MatrixError(404, 'M_NOT_FOUND', 'Unknown backup version');

/**
 * end_to_end_encryption.md "Storing keys": keep the key with is_verified true;
 * with equal is_verified the lower first_message_index; then the lower
 * forwarded_count. With everything equal the stored one stays.
 */
export function keepExistingBackupKey(existing: BackupKeyRow, incoming: BackupKeyRow): boolean {
  if (existing.isVerified !== incoming.isVerified) return existing.isVerified;
  if (existing.firstMessageIndex !== incoming.firstMessageIndex) return existing.firstMessageIndex < incoming.firstMessageIndex;
  return existing.forwardedCount <= incoming.forwardedCount;
}

/** Version strings are the decimal numbers we hand out; anything else names no backup. */
function parseVersion(v: string | undefined): number | undefined {
  return v !== undefined && /^[1-9]\d{0,14}$/.test(v) ? Number(v) : undefined;
}

export class BackupService {
  constructor(private readonly store: BackupStore) {}

  async createVersion(userId: string, body: JsonObject): Promise<string> {
    const { algorithm, authData } = checkVersionBody(body);
    return String(await this.store.createVersion(userId, algorithm, canonicalJson(authData)));
  }

  /** GET /room_keys/version[/{version}]. */
  async getVersion(userId: string, version?: string): Promise<JsonObject> {
    let row: BackupVersionRow | undefined;
    if (version === undefined) row = await this.store.latestVersion(userId);
    else {
      const n = parseVersion(version);
      row = n === undefined ? undefined : await this.store.getVersion(userId, n);
    }
    if (!row) throw version === undefined ? new MatrixError(404, 'M_NOT_FOUND', 'No current backup version') : notFound();
    return {
      algorithm: row.algorithm,
      auth_data: JSON.parse(row.authDataJson),
      count: await this.store.countKeys(userId, row.version),
      etag: String(row.etag),
      version: String(row.version),
    };
  }

  /** PUT /room_keys/version/{version}: only auth_data may change. */
  async updateVersion(userId: string, version: string, body: JsonObject): Promise<void> {
    const n = parseVersion(version);
    const row = n === undefined ? undefined : await this.store.getVersion(userId, n);
    if (!row) throw notFound();
    const { algorithm, authData } = checkVersionBody(body);
    if (body.version !== undefined && body.version !== version) throw new MatrixError(400, 'M_INVALID_PARAM', 'version in the body does not match the path');
    if (algorithm !== row.algorithm) throw new MatrixError(400, 'M_INVALID_PARAM', 'algorithm does not match the backup\'s algorithm');
    await this.store.updateAuthData(userId, row.version, canonicalJson(authData));
  }

  /** DELETE /room_keys/version/{version}: succeeds again for an already deleted backup. */
  async deleteVersion(userId: string, version: string): Promise<void> {
    const n = parseVersion(version);
    if (n === undefined || !(await this.store.versionEverExisted(userId, n))) throw notFound();
    await this.store.deleteVersion(userId, n);
  }

  /** PUT /room_keys/keys[/{roomId}[/{sessionId}]]?version= → {etag, count}. */
  async putKeys(userId: string, version: string | undefined, roomId: string | undefined, sessionId: string | undefined, body: JsonObject): Promise<JsonObject> {
    if (version === undefined) throw new MatrixError(400, 'M_MISSING_PARAM', 'Missing version query parameter');
    const latest = await this.store.latestVersion(userId);
    if (!latest) throw notFound();
    // key_backup.yaml 403: "The version specified does not match the current backup version."
    if (parseVersion(version) !== latest.version) {
      throw new MatrixError(403, 'M_WRONG_ROOM_KEYS_VERSION', 'Wrong backup version', { current_version: String(latest.version) });
    }
    const keys: BackupKeyRow[] = [];
    if (roomId !== undefined && sessionId !== undefined) keys.push(checkKey(roomId, sessionId, body));
    else if (roomId !== undefined) collectRoom(keys, roomId, body);
    else {
      const rooms = body.rooms;
      if (!isObject(rooms)) throw new MatrixError(400, 'M_BAD_JSON', 'rooms must be an object');
      for (const [r, room] of Object.entries(rooms)) {
        if (!isObject(room)) throw new MatrixError(400, 'M_BAD_JSON', `rooms.${r} must be an object`);
        collectRoom(keys, r, room);
      }
    }
    const etag = await this.store.putKeys(userId, latest.version, keys, keepExistingBackupKey);
    return { etag: String(etag), count: await this.store.countKeys(userId, latest.version) };
  }

  /** GET /room_keys/keys[/{roomId}[/{sessionId}]]?version= */
  async getKeys(userId: string, version: string | undefined, roomId?: string, sessionId?: string): Promise<JsonObject> {
    const n = await this.existingVersion(userId, version);
    const rows = await this.store.getKeys(userId, n, roomId, sessionId);
    if (sessionId !== undefined) {
      if (rows.length === 0) throw new MatrixError(404, 'M_NOT_FOUND', 'No backup found for this session');
      return keyData(rows[0]!);
    }
    const rooms: Record<string, { sessions: JsonObject }> = {};
    for (const r of rows) (rooms[r.roomId] ??= { sessions: {} }).sessions[r.sessionId] = keyData(r);
    // Synapse answers an empty room with {sessions: {}} rather than 404; clients rely on it.
    if (roomId !== undefined) return rooms[roomId] ?? { sessions: {} };
    return { rooms };
  }

  /** DELETE /room_keys/keys[/{roomId}[/{sessionId}]]?version= → {etag, count}. */
  async deleteKeys(userId: string, version: string | undefined, roomId?: string, sessionId?: string): Promise<JsonObject> {
    const n = await this.existingVersion(userId, version);
    const etag = await this.store.deleteKeys(userId, n, roomId, sessionId);
    return { etag: String(etag), count: await this.store.countKeys(userId, n) };
  }

  private async existingVersion(userId: string, version: string | undefined): Promise<number> {
    if (version === undefined) throw new MatrixError(400, 'M_MISSING_PARAM', 'Missing version query parameter');
    const n = parseVersion(version);
    const row = n === undefined ? undefined : await this.store.getVersion(userId, n);
    if (!row) throw notFound();
    return row.version;
  }
}

function checkVersionBody(body: JsonObject): { algorithm: string; authData: JsonObject } {
  const algorithm = body.algorithm;
  if (algorithm === undefined || algorithm === null) throw new MatrixError(400, 'M_MISSING_PARAM', 'Missing parameter: algorithm');
  if (typeof algorithm !== 'string') throw new MatrixError(400, 'M_BAD_JSON', 'algorithm must be a string');
  const authData = body.auth_data;
  if (authData === undefined || authData === null) throw new MatrixError(400, 'M_MISSING_PARAM', 'Missing parameter: auth_data');
  if (!isObject(authData)) throw new MatrixError(400, 'M_BAD_JSON', 'auth_data must be an object');
  return { algorithm, authData };
}

function collectRoom(into: BackupKeyRow[], roomId: string, room: JsonObject): void {
  const sessions = room.sessions;
  if (!isObject(sessions)) throw new MatrixError(400, 'M_BAD_JSON', 'sessions must be an object');
  for (const [sessionId, key] of Object.entries(sessions)) {
    if (!isObject(key)) throw new MatrixError(400, 'M_BAD_JSON', `sessions.${sessionId} must be an object`);
    into.push(checkKey(roomId, sessionId, key));
  }
}

/** key_backup_data.yaml: all four fields required. */
function checkKey(roomId: string, sessionId: string, k: JsonObject): BackupKeyRow {
  const int = (name: string) => {
    const v = k[name];
    if (v === undefined || v === null) throw new MatrixError(400, 'M_MISSING_PARAM', `Missing parameter: ${name}`);
    if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < 0) throw new MatrixError(400, 'M_BAD_JSON', `${name} must be a non-negative integer`);
    return v;
  };
  const firstMessageIndex = int('first_message_index');
  const forwardedCount = int('forwarded_count');
  if (typeof k.is_verified !== 'boolean') {
    throw new MatrixError(400, k.is_verified === undefined ? 'M_MISSING_PARAM' : 'M_BAD_JSON', 'is_verified must be a boolean');
  }
  if (!isObject(k.session_data)) {
    throw new MatrixError(400, k.session_data === undefined ? 'M_MISSING_PARAM' : 'M_BAD_JSON', 'session_data must be an object');
  }
  return { roomId, sessionId, firstMessageIndex, forwardedCount, isVerified: k.is_verified, sessionDataJson: canonicalJson(k.session_data) };
}

function keyData(r: BackupKeyRow): JsonObject {
  return {
    first_message_index: r.firstMessageIndex,
    forwarded_count: r.forwardedCount,
    is_verified: r.isVerified,
    session_data: JSON.parse(r.sessionDataJson),
  };
}
