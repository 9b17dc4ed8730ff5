// Pushers (client-server-api "Push Notifications", pusher.yaml) and the sending
// of notifications to push gateways (push-gateway-api, POST /_matrix/push/v1/notify).
//
// Durable by construction: a tail reader walks room events after a stored mark
// (push_progress) up to the stream's current position, evaluates each local
// member's push rules (users with pushers only, never the sender) and writes the
// notifications to an outbox in the same transaction that moves the mark; a
// delivery loop POSTs outbox items, deletes them on success, retries failures
// with exponential backoff (gateway down, server restarted: nothing is lost),
// and deletes pushers whose pushkeys the gateway rejects. Both loops run on a
// 100 ms tick that costs a comparison while nothing is due.
import { MatrixError, actionsHighlight, actionsNotify, findMatchingPushRule, type PushAction, type PushRuleset } from '@weft/core';
import type { OutboxItem, Pusher, PushEventRow, PusherStore } from '../storage/ports/pushers.js';
import type { PushReadStore } from '../storage/ports/push.js';
import type { RoomStore } from '../storage/ports/rooms.js';
import type { UnreadCounter } from '../sync/ports.js';
import { isObject, requireString, type JsonObject } from '../http/validate.js';
import { roomEvaluator } from './pushUnreadCounter.js';

export interface PushersDeps {
  store: PusherStore;
  pushReads: PushReadStore;
  rooms: Pick<RoomStore, 'currentStateEvent'>;
  rulesetOf: (userId: string) => Promise<PushRuleset>;
  unread: UnreadCounter;
  currentPos: () => number;
  now?: () => number;
  onError?: (err: unknown, what: string) => void;
}

const TICK_MS = 100;
const EVENT_BATCH = 200;
const DELIVERY_BATCH = 20;
const MAX_ATTEMPTS = 12;
const MAX_BACKOFF_MS = 60 * 60 * 1000;
const GATEWAY_TIMEOUT_MS = 10_000;
const NOTIFY_PATH = '/_matrix/push/v1/notify';

type PushedEvent = Record<string, unknown> & { type: string; content?: Record<string, unknown>; state_key?: string };

export class Pushers {
  private readonly now: () => number;
  private readonly byId = new Map<number, Pusher>();
  private readonly byUser = new Map<string, Pusher[]>();
  private through = -1;
  private processing: Promise<void> | undefined;
  private delivering: Promise<void> | undefined;
  private timer: NodeJS.Timeout | undefined;
  private nextDueCheck = 0;

  constructor(private readonly deps: PushersDeps) {
    this.now = deps.now ?? Date.now;
  }

  async start(): Promise<void> {
    await this.reload();
    this.through = await this.deps.store.pushedThrough();
    this.timer = setInterval(() => this.tick(), TICK_MS);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    await Promise.allSettled([this.processing, this.delivering]);
  }

  /** GET /pushers: the user's pushers (pusher.yaml). */
  list(userId: string): JsonObject[] {
    return (this.byUser.get(userId) ?? []).map((p) => {
      const out: JsonObject = {
        pushkey: p.pushkey, kind: p.kind, app_id: p.appId, app_display_name: p.appDisplayName,
        device_display_name: p.deviceDisplayName, lang: p.lang, data: p.data,
      };
      if (p.profileTag !== null) out.profile_tag = p.profileTag;
      return out;
    });
  }

  /** POST /pushers/set (pusher.yaml): create, replace or (kind null) delete. */
  async set(userId: string, deviceId: string, body: JsonObject): Promise<void> {
    const appId = requiredString(body, 'app_id', 64);
    const pushkey = requiredString(body, 'pushkey', 512);
    if (!('kind' in body)) throw new MatrixError(400, 'M_MISSING_PARAM', 'Missing parameter: kind');
    const { kind } = body;
    if (kind === null) {
      await this.deps.store.delete(appId, pushkey, { userId });
      return this.reload();
    }
    if (kind === 'email') throw new MatrixError(400, 'M_INVALID_PARAM', 'Email pushers are not supported: this server sends no email');
    if (kind !== 'http') throw new MatrixError(400, 'M_INVALID_PARAM', 'kind must be "http" or null');
    const data = body.data;
    if (!isObject(data)) throw new MatrixError(400, 'M_MISSING_PARAM', 'data must be an object with the gateway url');
    const url = typeof data.url === 'string' ? safeUrl(data.url) : undefined;
    if (!url || (url.protocol !== 'https:' && url.protocol !== 'http:') || url.pathname !== NOTIFY_PATH) {
      throw new MatrixError(400, 'M_INVALID_PARAM', `data.url must be an http(s) URL with the path ${NOTIFY_PATH}`);
    }
    if (data.format !== undefined && data.format !== 'event_id_only') throw new MatrixError(400, 'M_INVALID_PARAM', 'data.format must be "event_id_only" when given');
    const profileTag = body.profile_tag;
    if (profileTag !== undefined && typeof profileTag !== 'string') throw new MatrixError(400, 'M_BAD_JSON', 'profile_tag must be a string');
    if (body.append !== undefined && typeof body.append !== 'boolean') throw new MatrixError(400, 'M_BAD_JSON', 'append must be a boolean');
    const wasEmpty = this.byId.size === 0;
    await this.deps.store.upsert({
      userId, deviceId, appId, pushkey, kind, data,
      appDisplayName: requiredString(body, 'app_display_name', 256),
      deviceDisplayName: requiredString(body, 'device_display_name', 256),
      lang: requiredString(body, 'lang', 64),
      profileTag: profileTag ?? null,
      createdTs: this.now(),
    });
    // "Otherwise, the homeserver must remove any other pushers with the same App ID and pushkey for different users."
    if (body.append !== true) await this.deps.store.delete(appId, pushkey, { exceptUserId: userId });
    // The first pusher on the server: push from now on, not for the history read while none existed.
    if (wasEmpty) {
      this.through = Math.max(this.through, this.deps.currentPos());
      await this.deps.store.setPushedThrough(this.through);
    }
    await this.reload();
  }

  /** SessionHooks.onDevicesDeleted: a device's pushers go with it (as Synapse's go with the access token). */
  async devicesDeleted(userId: string, deviceIds: readonly string[]): Promise<void> {
    await this.deps.store.deleteForDevices(userId, deviceIds);
    await this.reload();
  }

  private async reload(): Promise<void> {
    const all = await this.deps.store.all();
    this.byId.clear();
    this.byUser.clear();
    for (const p of all) {
      this.byId.set(p.id, p);
      const list = this.byUser.get(p.userId);
      if (list) list.push(p);
      else this.byUser.set(p.userId, [p]);
    }
  }

  private tick(): void {
    if (!this.processing && this.byId.size > 0 && this.through < this.deps.currentPos()) {
      this.processing = this.process()
        .catch((err: unknown) => this.deps.onError?.(err, 'push evaluation'))
        .finally(() => (this.processing = undefined));
    }
    if (!this.delivering && this.now() >= this.nextDueCheck) {
      this.delivering = this.deliver()
        .catch((err: unknown) => this.deps.onError?.(err, 'push delivery'))
        .finally(() => (this.delivering = undefined));
    }
  }

  /** One batch of events: evaluate, enqueue, move the mark (one transaction). */
  private async process(): Promise<void> {
    const upto = this.deps.currentPos();
    const rows = await this.deps.store.events(this.through, upto, EVENT_BATCH);
    const next = rows.length === EVENT_BATCH ? rows[rows.length - 1]!.streamPos : upto;
    const items: { pusherId: number; bodyJson: string }[] = [];
    const members = new Map<number, { userId: string; joinedAt: number }[]>();
    for (const row of rows) {
      if (row.redactedBy !== null) continue;
      let joined = members.get(row.roomNid);
      if (!joined) members.set(row.roomNid, (joined = await this.deps.store.joinedMembers(row.roomNid)));
      const ev = JSON.parse(row.json) as PushedEvent;
      // The event's own description (sender's name, room name and alias) is read once, for the first member it notifies.
      let described: Promise<JsonObject> | undefined;
      for (const m of joined) {
        if (m.userId === row.sender || m.joinedAt > row.streamPos) continue;
        const pushers = this.byUser.get(m.userId);
        if (!pushers) continue;
        // One event that cannot be evaluated must not hold back every push after it.
        try {
          const body = await this.notification(row, ev, m.userId, m.joinedAt, pushers, () => (described ??= this.describe(row, ev)));
          if (body) for (const [pusherId, json] of body) items.push({ pusherId, bodyJson: json });
        } catch (err) {
          this.deps.onError?.(err, `push evaluation of ${row.eventId} for ${m.userId} skipped`);
        }
      }
    }
    await this.deps.store.enqueue(items, next, this.now());
    this.through = next;
    if (items.length > 0) this.nextDueCheck = 0;
  }

  /** The event-related fields of a full-format notification (push-gateway-api), the same for every recipient. */
  private async describe(row: PushEventRow, ev: PushedEvent): Promise<JsonObject> {
    const full: JsonObject = { event_id: row.eventId, room_id: row.roomId, type: ev.type, sender: row.sender, content: ev.content ?? {} };
    const [senderMember, name, alias] = await Promise.all([
      this.deps.rooms.currentStateEvent(row.roomNid, 'm.room.member', row.sender),
      this.deps.rooms.currentStateEvent(row.roomNid, 'm.room.name', ''),
      this.deps.rooms.currentStateEvent(row.roomNid, 'm.room.canonical_alias', ''),
    ]);
    const field = (r: { json: string } | undefined, key: string) => {
      const v = r ? (JSON.parse(r.json) as { content?: Record<string, unknown> }).content?.[key] : undefined;
      return typeof v === 'string' ? v : undefined;
    };
    const senderName = field(senderMember, 'displayname');
    const roomName = field(name, 'name');
    const roomAlias = field(alias, 'alias');
    if (senderName !== undefined) full.sender_display_name = senderName;
    if (roomName !== undefined) full.room_name = roomName;
    if (roomAlias !== undefined) full.room_alias = roomAlias;
    return full;
  }

  /** The /notify bodies for one user's pushers when their rules say notify, by pusher ID. */
  private async notification(
    row: PushEventRow, ev: PushedEvent, userId: string, joinedAt: number, pushers: readonly Pusher[], described: () => Promise<JsonObject>,
  ): Promise<Map<number, string> | undefined> {
    const ctx = (await this.deps.pushReads.roomContexts([row.roomNid], userId)).get(row.roomNid);
    if (!ctx) return undefined;
    const match = findMatchingPushRule(await this.deps.rulesetOf(userId), ev, roomEvaluator(ctx)(row.sender));
    if (!match || !actionsNotify(match.actions)) return undefined;
    const tweaks = tweaksOf(match.actions);
    const unread = (await this.deps.unread(userId, [{ roomId: row.roomId, roomNid: row.roomNid, joinedAt }], row.streamPos)).get(row.roomId);
    const counts = { unread: unread?.notification_count ?? 1 };
    const full: JsonObject = { ...(await described()), prio: actionsHighlight(match.actions) || 'sound' in tweaks ? 'high' : 'low' };
    if (ev.type === 'm.room.member' && ev.state_key === userId) full.user_is_target = true;
    const out = new Map<number, string>();
    for (const p of pushers) {
      const { url: _url, ...data } = p.data;
      const device = { app_id: p.appId, pushkey: p.pushkey, pushkey_ts: Math.floor(p.createdTs / 1000), data, tweaks };
      const notification = data.format === 'event_id_only'
        ? { event_id: row.eventId, room_id: row.roomId, counts, devices: [device] }
        : { ...full, counts, devices: [device] };
      out.set(p.id, JSON.stringify({ notification }));
    }
    return out;
  }

  /** Sends what is due; reschedules failures; drops rejected pushkeys' pushers. */
  private async deliver(): Promise<void> {
    const due = await this.deps.store.due(this.now(), DELIVERY_BATCH);
    if (due.length === 0) {
      this.nextDueCheck = this.now() + 1000;
      return;
    }
    for (const item of due) await this.deliverOne(item);
  }

  private async deliverOne(item: OutboxItem): Promise<void> {
    const pusher = this.byId.get(item.pusherId);
    if (!pusher) return this.deps.store.done(item.id);
    try {
      // undici is loaded with the first push (an idle server never maps it).
      const { request } = await import('undici');
      const res = await request(String(pusher.data.url), {
        method: 'POST', body: item.bodyJson, headers: { 'content-type': 'application/json' },
        headersTimeout: GATEWAY_TIMEOUT_MS, bodyTimeout: GATEWAY_TIMEOUT_MS,
      });
      const text = await res.body.text();
      if (res.statusCode < 200 || res.statusCode >= 300) throw new Error(`gateway answered ${res.statusCode}`);
      await this.deps.store.done(item.id);
      let rejected: unknown;
      try {
        rejected = (JSON.parse(text) as { rejected?: unknown }).rejected;
      } catch {
        rejected = undefined;
      }
      if (Array.isArray(rejected) && rejected.includes(pusher.pushkey)) {
        await this.deps.store.delete(pusher.appId, pusher.pushkey, 'all');
        await this.reload();
      }
    } catch (err) {
      const attempts = item.attempts + 1;
      if (attempts >= MAX_ATTEMPTS) {
        this.deps.onError?.(err, `push to ${pusher.appId} dropped after ${attempts} attempts`);
        return this.deps.store.done(item.id);
      }
      await this.deps.store.retryAt(item.id, attempts, this.now() + Math.min(1000 * 2 ** (attempts - 1), MAX_BACKOFF_MS));
    }
  }
}

/** requireString, at most `max` characters and no NUL (the value is stored). */
function requiredString(body: JsonObject, key: string, max: number): string {
  const v = requireString(body, key);
  if (v.length > max || v.includes('\u0000')) throw new MatrixError(400, 'M_INVALID_PARAM', `${key} must be at most ${max} characters without NUL`);
  return v;
}

function safeUrl(s: string): URL | undefined {
  try {
    return new URL(s);
  } catch {
    return undefined;
  }
}

/** The set_tweak actions as the gateway's `tweaks` object. */
function tweaksOf(actions: readonly PushAction[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const a of actions) {
    if (typeof a !== 'object' || a === null || typeof a.set_tweak !== 'string') continue;
    out[a.set_tweak] = 'value' in a ? a.value : a.set_tweak === 'highlight' ? true : undefined;
  }
  return out;
}
