// Send-to-device messaging (client-server-api/modules/send_to_device.md;
// data/api/client-server/to_device.yaml): PUT /sendToDevice stores messages in
// each recipient device's inbox at one stream position; /sync delivers them in
// order and deletes them once the device presents a later `since` token.
import { MatrixError, canonicalJson } from '@weft/core';
import { isObject, type JsonObject } from '../http/validate.js';
import type { Requester } from '../http/Router.js';
import type { ToDeviceMessage, ToDeviceStore } from '../storage/ports/e2ee.js';
import type { StreamIdGenerator } from '../streams/StreamIdGenerator.js';
import type { Notifier } from '../streams/Notifier.js';

/** Messages per /sync response; the rest follow in the next one. */
export const TO_DEVICE_LIMIT = 100;

export interface ToDeviceEvent {
  sender: string;
  type: string;
  content: unknown;
}

export class ToDeviceService {
  /**
   * /sync asks every device for its to-device messages on every response, and
   * almost always there are none. This process is the only writer of the inbox,
   * so it knows the newest position queued per user (`floor`, the position at
   * start, stands for older messages) and per device how far its inbox was
   * acknowledged: when both are at or below `since`, the two queries are skipped.
   */
  private readonly lastQueued = new Map<string, number>();
  private readonly acknowledgedThrough = new Map<string, number>();
  private readonly floor: number;

  constructor(
    private readonly deps: {
      serverName: string;
      store: ToDeviceStore;
      generator: StreamIdGenerator;
      notifier: Notifier;
      limit?: number;
      now?: () => number;
      /** Remote recipients (federation hands them on, once it exists). */
      onRemote?: (sender: string, type: string, byUser: Map<string, JsonObject>) => void;
    },
  ) {
    this.floor = deps.generator.current;
  }

  private queued(userId: string, pos: number): void {
    if ((this.lastQueued.get(userId) ?? -1) < pos) this.lastQueued.set(userId, pos);
  }

  /** PUT /sendToDevice/{eventType}/{txnId}: idempotent per (device, txnId). */
  async send(requester: Requester, eventType: string, txnId: string, body: JsonObject): Promise<void> {
    const messages = body.messages;
    if (messages === undefined || messages === null) throw new MatrixError(400, 'M_MISSING_PARAM', 'Missing parameter: messages');
    if (!isObject(messages)) throw new MatrixError(400, 'M_BAD_JSON', 'messages must be an object');
    const rows: ToDeviceMessage[] = [];
    const recipients = new Set<string>();
    const remote = new Map<string, JsonObject>();
    for (const [userId, byDevice] of Object.entries(messages)) {
      if (!isObject(byDevice)) throw new MatrixError(400, 'M_BAD_JSON', `messages.${userId} must map device IDs to contents`);
      for (const [deviceId, content] of Object.entries(byDevice)) {
        if (!isObject(content)) throw new MatrixError(400, 'M_BAD_JSON', `messages.${userId}.${deviceId} must be an object`);
      }
      const colon = userId.indexOf(':');
      if (!userId.startsWith('@') || colon < 0) continue;
      if (userId.slice(colon + 1) !== this.deps.serverName) {
        // Remote users are a federation concern (m.direct_to_device EDU); until
        // federation exists they are dropped here.
        remote.set(userId, byDevice);
        continue;
      }
      const existing = await this.deps.store.deviceIdsOf(userId);
      const known = new Set(existing);
      for (const [deviceId, content] of Object.entries(byDevice)) {
        const contentJson = canonicalJson(content);
        // "*" = every device of the user; unknown device IDs are ignored.
        const targets = deviceId === '*' ? existing : known.has(deviceId) ? [deviceId] : [];
        for (const d of targets) rows.push({ userId, deviceId: d, type: eventType, contentJson });
        if (targets.length > 0) recipients.add(userId);
      }
    }
    const { generator, notifier, store } = this.deps;
    const pos = generator.allocate();
    let sent: boolean;
    try {
      sent = await store.send({ userId: requester.userId, deviceId: requester.deviceId, txnId }, rows, pos, this.now());
    } finally {
      generator.finish(pos);
    }
    if (!sent) return;
    for (const u of recipients) this.queued(u, pos);
    if (recipients.size > 0) notifier.notifyAt(pos, { userIds: recipients });
    if (remote.size > 0) this.deps.onRemote?.(requester.userId, eventType, remote);
  }

  /**
   * For /sync: acknowledges (deletes) what the device received up to `since`
   * and returns the messages in (since, upto], at most `limit`. When more are
   * pending, the rest are moved to a fresh stream position after `upto`, so the
   * next sync (since = upto) receives them and a retried sync (an older since)
   * gets the same first batch again: every message is delivered once per
   * token chain, in send order (orig_pos), whatever position it was moved to.
   */
  async deliver(userId: string, deviceId: string, since: number | null, upto: number): Promise<ToDeviceEvent[]> {
    const { store, generator } = this.deps;
    const limit = this.deps.limit ?? TO_DEVICE_LIMIT;
    const key = `${userId}\u0000${deviceId}`;
    const last = this.lastQueued.get(userId) ?? this.floor;
    if (since !== null && since >= last && (this.acknowledgedThrough.get(key) ?? -1) >= last) return [];
    if (since !== null) {
      await store.acknowledge(userId, deviceId, since);
      if ((this.acknowledgedThrough.get(key) ?? -1) < since) this.acknowledgedThrough.set(key, since);
    }
    const rows = await store.pending(userId, deviceId, since, upto, limit + 1);
    if (rows.length > limit) {
      rows.length = limit;
      const pos = generator.allocate();
      try {
        await store.moveAfter(userId, deviceId, rows[limit - 1]!, pos);
        this.queued(userId, pos);
      } finally {
        generator.finish(pos);
      }
      this.deps.notifier.notifyAt(pos, { userIds: [userId] });
    }
    return rows.map((r) => ({ sender: r.sender, type: r.type, content: JSON.parse(r.contentJson) }));
  }

  private now(): number {
    return this.deps.now ? this.deps.now() : Date.now();
  }
}
