// Dehydrated devices (MSC3814, unstable prefix org.matrix.msc3814.v1): a device
// whose private keys are stored on the server encrypted with a key only the
// user has, so others can start Olm sessions with the user while all their
// devices are offline. A new device fetches it, "rehydrates" it and reads the
// to-device messages it received. The device is an ordinary device row without
// access tokens; its keys are ordinary device/one-time/fallback keys.
import { MatrixError, canonicalJson } from '@weft/core';
import { isObject, type JsonObject } from '../http/validate.js';
import type { Requester } from '../http/Router.js';
import type { DehydratedDeviceStore, InboxCursor } from '../storage/ports/e2ee.js';
import type { KeyService } from './KeyService.js';

export interface DehydratedDeviceDeps {
  store: DehydratedDeviceStore;
  keys: KeyService;
  devices: {
    exists(userId: string, deviceId: string): Promise<boolean>;
    /** Creates a device without tokens. */
    create(userId: string, deviceId: string, displayName: string | null): Promise<void>;
    /** Deletes devices with the usual hooks (keys, inbox, device-list change). */
    delete(userId: string, deviceIds: string[]): Promise<void>;
  };
  /** generator.current: inbox reads stop there, so a cursor never skips a row committed later. */
  currentPos(): number;
  limit?: number;
}

const CURSOR_RE = /^(\d{1,15})_(\d{1,15})_(\d{1,15})$/;

export class DehydratedDeviceService {
  constructor(private readonly deps: DehydratedDeviceDeps) {}

  /** PUT dehydrated_device: replaces the user's dehydrated device. */
  async put(requester: Requester, body: JsonObject): Promise<{ device_id: string }> {
    const userId = requester.userId;
    const deviceId = body.device_id;
    if (typeof deviceId !== 'string' || deviceId === '') throw new MatrixError(400, 'M_MISSING_PARAM', 'Missing parameter: device_id');
    const data = body.device_data;
    if (!isObject(data) || typeof data.algorithm !== 'string') throw new MatrixError(400, 'M_INVALID_PARAM', 'device_data must be an object with an algorithm');
    const displayName = typeof body.initial_device_display_name === 'string' ? body.initial_device_display_name : null;
    const { store, devices, keys } = this.deps;
    const old = await store.get(userId);
    if (old?.deviceId !== deviceId && (await devices.exists(userId, deviceId))) {
      throw new MatrixError(400, 'M_INVALID_PARAM', 'device_id is in use by another device');
    }
    // The old dehydrated device (even under the same ID) goes with its keys and inbox.
    if (old) await devices.delete(userId, [old.deviceId]);
    await devices.create(userId, deviceId, displayName);
    await store.set(userId, deviceId, canonicalJson(data));
    try {
      await keys.upload({ userId, deviceId, accessTokenId: 0, isGuest: false }, {
        device_keys: body.device_keys, one_time_keys: body.one_time_keys, fallback_keys: body.fallback_keys,
      });
    } catch (err) {
      await store.remove(userId);
      await devices.delete(userId, [deviceId]);
      throw err;
    }
    return { device_id: deviceId };
  }

  async get(userId: string): Promise<{ device_id: string; device_data: unknown }> {
    const d = await this.deps.store.get(userId);
    if (!d) throw new MatrixError(404, 'M_NOT_FOUND', 'No dehydrated device');
    return { device_id: d.deviceId, device_data: JSON.parse(d.deviceDataJson) };
  }

  async delete(userId: string): Promise<{ device_id: string }> {
    const deviceId = await this.deps.store.remove(userId);
    if (deviceId === undefined) throw new MatrixError(404, 'M_NOT_FOUND', 'No dehydrated device');
    await this.deps.devices.delete(userId, [deviceId]);
    return { device_id: deviceId };
  }

  /**
   * POST dehydrated_device/{deviceId}/events: the device's to-device messages,
   * 100 at a time; presenting `next_batch` acknowledges (deletes) what came before it.
   */
  async events(userId: string, deviceId: string, body: JsonObject): Promise<JsonObject> {
    const d = await this.deps.store.get(userId);
    if (!d || d.deviceId !== deviceId) throw new MatrixError(403, 'M_FORBIDDEN', 'Not your dehydrated device');
    let cursor: InboxCursor | null = null;
    if (body.next_batch !== undefined && body.next_batch !== null) {
      const m = typeof body.next_batch === 'string' ? CURSOR_RE.exec(body.next_batch) : null;
      if (!m) throw new MatrixError(400, 'M_INVALID_PARAM', 'Invalid next_batch');
      cursor = { streamPos: Number(m[1]), origPos: Number(m[2]), id: Number(m[3]) };
      await this.deps.store.acknowledgeInbox(userId, deviceId, cursor);
    }
    const rows = await this.deps.store.inboxAfter(userId, deviceId, cursor, this.deps.currentPos(), this.deps.limit ?? 100);
    const last = rows[rows.length - 1];
    const next = last ? { streamPos: last.streamPos, origPos: last.origPos, id: last.id } : cursor;
    return {
      events: rows.map((r) => ({ sender: r.sender, type: r.type, content: JSON.parse(r.contentJson) })),
      ...(next ? { next_batch: `${next.streamPos}_${next.origPos}_${next.id}` } : {}),
    };
  }
}
