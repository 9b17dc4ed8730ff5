// Device keys, one-time and fallback keys: POST /keys/upload, /keys/query,
// /keys/claim (data/api/client-server/keys.yaml; end_to_end_encryption.md
// "Uploading keys", "One-time and fallback keys", "Claiming one-time keys").
import { MatrixError, canonicalJson, verifyJsonSignature } from '@weft/core';
import { isObject, type JsonObject } from '../http/validate.js';
import type { Requester } from '../http/Router.js';
import type { CrossSigningKeyRow, E2eeKeyStore, NewOneTimeKey, SignatureRow } from '../storage/ports/e2ee.js';
import type { DeviceListService } from './DeviceListService.js';
import { badKey, parseKeyMap, storedForm } from './keyJson.js';

export interface KeyServiceDeps {
  serverName: string;
  store: E2eeKeyStore;
  deviceLists: DeviceListService;
  now?: () => number;
}

/** Failure entry for a remote server until federation exists (keys.yaml `failures`). */
const NO_FEDERATION = { status: 503, message: 'Federation is not available on this server yet' };

export class KeyService {
  /**
   * One-time key counts and unused fallback key types per device, for /sync
   * (asked on every response, changed only by upload, claim and device
   * deletion — all through this service). A version per device keeps a read
   * that raced a change from caching what it saw before the change.
   */
  private readonly keyCounts = new Map<string, { otk: Record<string, number>; fallback: string[] }>();
  private readonly keyVersions = new Map<string, number>();

  constructor(private readonly deps: KeyServiceDeps) {}

  /** The cached counts of these devices are stale (keys uploaded, claimed or deleted). */
  forgetKeyCounts(userId: string, deviceIds: Iterable<string>): void {
    for (const d of deviceIds) {
      const key = `${userId}\u0000${d}`;
      this.keyCounts.delete(key);
      this.keyVersions.set(key, (this.keyVersions.get(key) ?? 0) + 1);
    }
  }

  private async cachedKeyCounts(userId: string, deviceId: string): Promise<{ otk: Record<string, number>; fallback: string[] }> {
    const key = `${userId}\u0000${deviceId}`;
    const hit = this.keyCounts.get(key);
    if (hit) return hit;
    const version = this.keyVersions.get(key) ?? 0;
    const [otk, fallback] = await Promise.all([
      this.deps.store.oneTimeKeyCounts(userId, deviceId), this.deps.store.unusedFallbackKeyTypes(userId, deviceId),
    ]);
    const entry = { otk: { signed_curve25519: 0, ...otk }, fallback };
    if ((this.keyVersions.get(key) ?? 0) === version) {
      if (this.keyCounts.size >= 100_000) this.keyCounts.clear();
      this.keyCounts.set(key, entry);
    }
    return entry;
  }

  private isLocal(userId: string): boolean {
    return userId.startsWith('@') && userId.slice(userId.indexOf(':') + 1) === this.deps.serverName;
  }

  /** POST /keys/upload → one_time_key_counts. */
  async upload(requester: Requester, body: JsonObject): Promise<{ one_time_key_counts: Record<string, number> }> {
    const { userId, deviceId } = requester;
    const { store } = this.deps;
    const deviceKeys = body.device_keys;
    const otks = parseKeyMap(body.one_time_keys, 'one_time_keys');
    const fallbacks = parseKeyMap(body.fallback_keys, 'fallback_keys');
    const fallbackAlgorithms = new Set<string>();
    for (const f of fallbacks) {
      if (fallbackAlgorithms.has(f.algorithm)) throw badKey(`fallback_keys: more than one key for algorithm ${f.algorithm}`);
      fallbackAlgorithms.add(f.algorithm);
    }

    if (deviceKeys !== undefined && deviceKeys !== null) {
      if (!isObject(deviceKeys)) throw new MatrixError(400, 'M_BAD_JSON', 'device_keys must be an object');
      const json = this.checkDeviceKeys(deviceKeys, userId, deviceId);
      const old = await store.getDeviceKeys(userId, deviceId);
      if (old !== json) {
        // NOTSPEC (spec is silent): a device's published identity keys cannot be
        // swapped for others (a stolen access token must not be able to replace
        // them); re-uploading the same keys (e.g. other algorithms) is allowed.
        if (old !== undefined && canonicalJson((JSON.parse(old) as JsonObject).keys) !== canonicalJson(deviceKeys.keys)) {
          throw badKey('This device already has different identity keys; log in as a new device to use new keys');
        }
        await store.setDeviceKeys(userId, deviceId, json, this.now());
        await this.deps.deviceLists.markChanged(userId);
      }
    }

    if (otks.length > 0) {
      const keys: NewOneTimeKey[] = otks.map((k) => ({ algorithm: k.algorithm, keyId: k.keyId, keyJson: canonicalJson(k.value) }));
      const { conflicts } = await store.addOneTimeKeys(userId, deviceId, keys);
      if (conflicts.length > 0) throw badKey(`One-time key ${conflicts[0]} already exists with different content`);
    }
    for (const f of fallbacks) {
      await store.setFallbackKey(userId, deviceId, { algorithm: f.algorithm, keyId: f.keyId, keyJson: canonicalJson(f.value) });
    }
    if (otks.length > 0 || fallbacks.length > 0) this.forgetKeyCounts(userId, [deviceId]);
    return { one_time_key_counts: await this.oneTimeKeyCounts(userId, deviceId) };
  }

  /** Counts for /keys/upload and /sync; signed_curve25519 always present (clients expect it; Synapse does the same). */
  async oneTimeKeyCounts(userId: string, deviceId: string): Promise<Record<string, number>> {
    return { ...(await this.cachedKeyCounts(userId, deviceId)).otk };
  }

  async unusedFallbackKeyTypes(userId: string, deviceId: string): Promise<string[]> {
    return [...(await this.cachedKeyCounts(userId, deviceId)).fallback];
  }

  /** Validates uploaded device keys (device_keys.yaml) and returns their stored form. */
  private checkDeviceKeys(k: JsonObject, userId: string, deviceId: string): string {
    if (k.user_id !== userId) throw badKey('device_keys.user_id does not match the access token');
    if (k.device_id !== deviceId) throw badKey('device_keys.device_id does not match the access token');
    if (!Array.isArray(k.algorithms) || !k.algorithms.every((a) => typeof a === 'string')) throw badKey('device_keys.algorithms must be a list of strings');
    if (!isObject(k.keys) || !Object.values(k.keys).every((v) => typeof v === 'string')) throw badKey('device_keys.keys must map key IDs to strings');
    const ed = k.keys[`ed25519:${deviceId}`];
    if (typeof ed !== 'string') throw badKey(`device_keys.keys must contain ed25519:${deviceId}`);
    if (!isObject(k.signatures)) throw badKey('device_keys.signatures must be an object');
    // end_to_end_encryption.md "Uploading keys": "must be signed by that key".
    if (!verifyJsonSignature(k, userId, `ed25519:${deviceId}`, ed)) {
      throw new MatrixError(400, 'M_INVALID_SIGNATURE', 'device_keys are not signed by the device\'s ed25519 key');
    }
    return storedForm(k);
  }

  /** POST /keys/query. */
  async query(requester: Requester, body: JsonObject): Promise<JsonObject> {
    const requested = body.device_keys;
    if (requested === undefined || requested === null) throw new MatrixError(400, 'M_MISSING_PARAM', 'Missing parameter: device_keys');
    if (!isObject(requested)) throw new MatrixError(400, 'M_BAD_JSON', 'device_keys must be an object');
    const failures: JsonObject = {};
    const local: { userId: string; deviceIds: string[] | null }[] = [];
    for (const [userId, devices] of Object.entries(requested)) {
      if (!Array.isArray(devices) || !devices.every((d) => typeof d === 'string')) throw new MatrixError(400, 'M_BAD_JSON', `device_keys.${userId} must be a list of device IDs`);
      if (!userId.startsWith('@') || !userId.includes(':')) continue;
      if (this.isLocal(userId)) local.push({ userId, deviceIds: devices.length === 0 ? null : devices });
      else failures[userId.slice(userId.indexOf(':') + 1)] = NO_FEDERATION;
    }
    const userIds = local.map((q) => q.userId);
    const { store } = this.deps;
    const [rows, xsKeys, sigs] = await Promise.all([store.queryDeviceKeys(local), store.crossSigningKeys(userIds), store.signaturesOn(userIds)]);
    const device_keys: Record<string, Record<string, JsonObject>> = {};
    for (const u of userIds) device_keys[u] = {};
    const sigIndex = indexSignatures(sigs);
    for (const r of rows) {
      const key = JSON.parse(r.keyJson) as JsonObject;
      // Signatures by the owner's self-signing key (anyone may see them).
      addSignatures(key, sigIndex.get(`${r.userId}\0${r.deviceId}`), (s) => s.signerUserId === r.userId);
      key.unsigned = r.displayName === null ? {} : { device_display_name: r.displayName };
      device_keys[r.userId]![r.deviceId] = key;
    }
    const out: JsonObject = { device_keys, failures };
    const master: JsonObject = {};
    const selfSigning: JsonObject = {};
    const userSigning: JsonObject = {};
    for (const k of xsKeys) {
      const key = JSON.parse(k.keyJson) as JsonObject;
      if (k.type === 'master') {
        // Signatures by the owner's devices, and the requester's own user-signing
        // signature (only the signer may see those: keys.yaml "that the requesting
        // user is allowed to see").
        addSignatures(key, sigIndex.get(`${k.userId}\0${k.publicKey}`), (s) => s.signerUserId === k.userId || s.signerUserId === requester.userId);
        master[k.userId] = key;
      } else if (k.type === 'self_signing') selfSigning[k.userId] = key;
      else if (k.userId === requester.userId) userSigning[k.userId] = key;
    }
    out.master_keys = master;
    out.self_signing_keys = selfSigning;
    out.user_signing_keys = userSigning;
    return out;
  }

  /** POST /keys/claim. */
  async claim(body: JsonObject): Promise<JsonObject> {
    const wanted = body.one_time_keys;
    if (wanted === undefined || wanted === null) throw new MatrixError(400, 'M_MISSING_PARAM', 'Missing parameter: one_time_keys');
    if (!isObject(wanted)) throw new MatrixError(400, 'M_BAD_JSON', 'one_time_keys must be an object');
    const failures: JsonObject = {};
    const one_time_keys: Record<string, Record<string, JsonObject>> = {};
    for (const [userId, devices] of Object.entries(wanted)) {
      if (!isObject(devices) || !Object.values(devices).every((a) => typeof a === 'string')) {
        throw new MatrixError(400, 'M_BAD_JSON', `one_time_keys.${userId} must map device IDs to algorithms`);
      }
      if (!this.isLocal(userId)) {
        if (userId.includes(':')) failures[userId.slice(userId.indexOf(':') + 1)] = NO_FEDERATION;
        continue;
      }
      for (const [deviceId, algorithm] of Object.entries(devices as Record<string, string>)) {
        const key = (await this.deps.store.claimOneTimeKey(userId, deviceId, algorithm))
          ?? (await this.deps.store.claimFallbackKey(userId, deviceId, algorithm));
        this.forgetKeyCounts(userId, [deviceId]);
        if (!key) continue;
        const byDevice = (one_time_keys[userId] ??= {});
        byDevice[deviceId] = { [`${key.algorithm}:${key.keyId}`]: JSON.parse(key.keyJson) };
      }
    }
    return { one_time_keys, failures };
  }

  /** Cross-signing keys of a user by type (for CrossSigningService). */
  async crossSigningKeysOf(userId: string): Promise<Partial<Record<CrossSigningKeyRow['type'], CrossSigningKeyRow>>> {
    const out: Partial<Record<CrossSigningKeyRow['type'], CrossSigningKeyRow>> = {};
    for (const k of await this.deps.store.crossSigningKeys([userId])) out[k.type] = k;
    return out;
  }

  private now(): number {
    return this.deps.now ? this.deps.now() : Date.now();
  }
}

function indexSignatures(sigs: SignatureRow[]): Map<string, SignatureRow[]> {
  const m = new Map<string, SignatureRow[]>();
  for (const s of sigs) {
    const k = `${s.targetUserId}\0${s.targetKeyId}`;
    let list = m.get(k);
    if (!list) m.set(k, (list = []));
    list.push(s);
  }
  return m;
}

function addSignatures(key: JsonObject, sigs: SignatureRow[] | undefined, visible: (s: SignatureRow) => boolean): void {
  if (!sigs) return;
  const all = (isObject(key.signatures) ? key.signatures : (key.signatures = {})) as Record<string, Record<string, string>>;
  for (const s of sigs) {
    if (!visible(s)) continue;
    (all[s.signerUserId] ??= {})[s.signerKeyId] = s.signature;
  }
}
