// Cross-signing (end_to_end_encryption.md "Cross-signing";
// data/api/client-server/cross_signing.yaml): POST /keys/device_signing/upload
// and POST /keys/signatures/upload.
import { MatrixError, verifyJsonSignature } from '@weft/core';
import { isObject, type JsonObject } from '../http/validate.js';
import type { Requester } from '../http/Router.js';
import type { UserInteractiveAuth } from '../auth/uia.js';
import type { CrossSigningKeyRow, CrossSigningKeyType, E2eeKeyStore, SignatureRow } from '../storage/ports/e2ee.js';
import type { DeviceListService } from './DeviceListService.js';
import { crossSigningPublicKey, signedContent, storedForm } from './keyJson.js';

const FIELDS: [string, CrossSigningKeyType][] = [
  ['master_key', 'master'],
  ['self_signing_key', 'self_signing'],
  ['user_signing_key', 'user_signing'],
];

export interface CrossSigningDeps {
  store: E2eeKeyStore;
  deviceLists: DeviceListService;
  uia: Pick<UserInteractiveAuth, 'check'>;
  /** Device IDs of a user (a cross-signing public key may not equal one, cross_signing.yaml 403). */
  deviceIdsOf(userId: string): Promise<string[]>;
  now?: () => number;
}

export class CrossSigningService {
  constructor(private readonly deps: CrossSigningDeps) {}

  /** POST /keys/device_signing/upload. */
  async uploadSigningKeys(requester: Requester, body: JsonObject): Promise<void> {
    const userId = requester.userId;
    const { store } = this.deps;
    const existing = new Map<CrossSigningKeyType, CrossSigningKeyRow>();
    for (const k of await store.crossSigningKeys([userId])) existing.set(k.type, k);

    const uploads: CrossSigningKeyRow[] = [];
    for (const [field, type] of FIELDS) {
      const v = body[field];
      if (v === undefined || v === null) continue;
      if (!isObject(v)) throw new MatrixError(400, 'M_BAD_JSON', `${field} must be an object`);
      if (v.user_id !== userId) throw new MatrixError(400, 'M_INVALID_PARAM', `${field}.user_id must be the requesting user`);
      if (!Array.isArray(v.usage) || !v.usage.includes(type)) throw new MatrixError(400, 'M_INVALID_PARAM', `${field}.usage must contain "${type}"`);
      const publicKey = crossSigningPublicKey(v);
      if (publicKey === undefined) throw new MatrixError(400, 'M_INVALID_PARAM', `${field}.keys must hold exactly one ed25519:<public key> entry`);
      uploads.push({ userId, type, publicKey, keyJson: storedForm(v) });
    }

    // cross_signing.yaml: UIA is required unless there is no master key yet, or
    // the request only repeats the keys already stored (idempotent retry).
    const master = existing.get('master');
    const onlyRepeats = uploads.every((u) => existing.get(u.type)?.keyJson === u.keyJson);
    if (master !== undefined && onlyRepeats) return;
    if (master !== undefined) {
      await this.deps.uia.check(body, { operation: 'device_signing_upload', flows: [['m.login.password']], userId });
    }
    if (uploads.length === 0) return;

    const newMaster = uploads.find((u) => u.type === 'master') ?? master;
    if (newMaster === undefined) throw new MatrixError(400, 'M_MISSING_PARAM', 'No master signing key is available');
    for (const u of uploads) {
      if (u.type === 'master') continue;
      // "Must be signed by the accompanying master signing key, or by the user's most recently uploaded master signing key".
      if (!verifyJsonSignature(JSON.parse(u.keyJson), userId, `ed25519:${newMaster.publicKey}`, newMaster.publicKey)) {
        throw new MatrixError(400, 'M_INVALID_SIGNATURE', `The ${u.type} key is not signed by the master key`);
      }
    }
    const deviceIds = new Set(await this.deps.deviceIdsOf(userId));
    for (const u of uploads) {
      if (deviceIds.has(u.publicKey)) throw new MatrixError(403, 'M_FORBIDDEN', 'Key ID in use');
    }
    await store.setCrossSigningKeys(userId, uploads, this.now());
    await this.deps.deviceLists.markChanged(userId);
  }

  /** POST /keys/signatures/upload → failures. */
  async uploadSignatures(requester: Requester, body: JsonObject): Promise<{ failures: Record<string, Record<string, JsonObject>> }> {
    const me = requester.userId;
    const { store } = this.deps;
    const failures: Record<string, Record<string, JsonObject>> = {};
    const fail = (userId: string, keyId: string, errcode: string, error: string) => {
      (failures[userId] ??= {})[keyId] = { errcode, error };
    };
    const targets = Object.keys(body);
    const xs = new Map<string, Map<CrossSigningKeyType, CrossSigningKeyRow>>();
    for (const k of await store.crossSigningKeys([...new Set([me, ...targets])])) {
      let m = xs.get(k.userId);
      if (!m) xs.set(k.userId, (m = new Map()));
      m.set(k.type, k);
    }
    const mine = xs.get(me);
    const myDevices = new Map<string, JsonObject>();
    for (const r of await store.queryDeviceKeys([{ userId: me, deviceIds: null }])) myDevices.set(r.deviceId, JSON.parse(r.keyJson) as JsonObject);

    const rows: SignatureRow[] = [];
    const changedUsers = new Set<string>();
    for (const [targetUser, keys] of Object.entries(body)) {
      if (!isObject(keys)) throw new MatrixError(400, 'M_BAD_JSON', `${targetUser} must map key IDs to signed objects`);
      for (const [keyId, signed] of Object.entries(keys)) {
        if (!isObject(signed) || !isObject(signed.signatures)) {
          fail(targetUser, keyId, 'M_INVALID_PARAM', 'Expected a signed JSON object');
          continue;
        }
        const mySigs = signed.signatures[me];
        if (!isObject(mySigs)) {
          fail(targetUser, keyId, 'M_INVALID_SIGNATURE', 'No signature by the requesting user');
          continue;
        }
        if (targetUser === me) {
          const device = myDevices.get(keyId);
          const masterKey = mine?.get('master');
          if (device) {
            // A device of my own, signed by my self-signing key.
            const ssk = mine?.get('self_signing');
            if (!ssk) { fail(me, keyId, 'M_INVALID_SIGNATURE', 'No self-signing key uploaded'); continue; }
            const sigId = `ed25519:${ssk.publicKey}`;
            if (signedContent(signed) !== signedContent(device)) { fail(me, keyId, 'M_INVALID_SIGNATURE', 'Signed object does not match the device keys'); continue; }
            if (typeof mySigs[sigId] !== 'string' || !verifyJsonSignature(signed, me, sigId, ssk.publicKey)) {
              fail(me, keyId, 'M_INVALID_SIGNATURE', 'Invalid signature'); continue;
            }
            rows.push({ signerUserId: me, signerKeyId: sigId, targetUserId: me, targetKeyId: keyId, signature: mySigs[sigId] as string });
            changedUsers.add(me);
          } else if (masterKey && keyId === masterKey.publicKey) {
            // My master key, signed by one or more of my devices.
            if (signedContent(signed) !== signedContent(JSON.parse(masterKey.keyJson))) {
              fail(me, keyId, 'M_INVALID_SIGNATURE', 'Signed object does not match the master key'); continue;
            }
            let good = 0;
            let bad = 0;
            for (const [sigId, sig] of Object.entries(mySigs)) {
              const deviceId = sigId.startsWith('ed25519:') ? sigId.slice(8) : '';
              const dev = myDevices.get(deviceId);
              const devKey = dev && isObject(dev.keys) ? dev.keys[sigId] : undefined;
              if (typeof devKey !== 'string') continue; // not a device signature (e.g. the master's own)
              if (typeof sig === 'string' && verifyJsonSignature(signed, me, sigId, devKey)) {
                rows.push({ signerUserId: me, signerKeyId: sigId, targetUserId: me, targetKeyId: keyId, signature: sig });
                good++;
              } else bad++;
            }
            if (bad > 0 || good === 0) { fail(me, keyId, 'M_INVALID_SIGNATURE', 'Invalid signature'); continue; }
            changedUsers.add(me);
          } else {
            fail(me, keyId, 'M_NOT_FOUND', 'Unknown device or key');
          }
        } else {
          // Another user's master key, signed by my user-signing key.
          const theirMaster = xs.get(targetUser)?.get('master');
          const usk = mine?.get('user_signing');
          if (!theirMaster || keyId !== theirMaster.publicKey) { fail(targetUser, keyId, 'M_NOT_FOUND', 'Unknown master key'); continue; }
          if (!usk) { fail(targetUser, keyId, 'M_INVALID_SIGNATURE', 'No user-signing key uploaded'); continue; }
          const sigId = `ed25519:${usk.publicKey}`;
          if (signedContent(signed) !== signedContent(JSON.parse(theirMaster.keyJson))) {
            fail(targetUser, keyId, 'M_INVALID_SIGNATURE', 'Signed object does not match the master key'); continue;
          }
          if (typeof mySigs[sigId] !== 'string' || !verifyJsonSignature(signed, me, sigId, usk.publicKey)) {
            fail(targetUser, keyId, 'M_INVALID_SIGNATURE', 'Invalid signature'); continue;
          }
          rows.push({ signerUserId: me, signerKeyId: sigId, targetUserId: targetUser, targetKeyId: keyId, signature: mySigs[sigId] as string });
          // Only the signer sees this signature, so only the signer's devices need telling.
          changedUsers.add(me);
        }
      }
    }
    await store.addSignatures(rows);
    for (const u of changedUsers) await this.deps.deviceLists.markChanged(u);
    return { failures };
  }

  private now(): number {
    return this.deps.now ? this.deps.now() : Date.now();
  }
}

