// Room creation and sending events (messages, state, redactions) for local
// users. Spec: client-server-api "Creation" (create_room.yaml), "Sending
// events to a room" (room_send.yaml, room_state.yaml), "Redactions"
// (redaction.yaml).
import { MatrixError, userPowerLevel, namedLevel, type JsonObject } from '@weft/core';
import { ResponseError } from '../http/ResponseError.js';
import type { RoomStore } from '../storage/ports/rooms.js';
import type { RoomPipeline, SendRequest, SendResult } from './RoomPipeline.js';
import { planCreateRoom } from './createRoomPlan.js';
import type { ProfileSource } from './MembershipService.js';
import { sameJson } from './MembershipService.js';

export class RoomService {
  constructor(
    private readonly deps: {
      pipeline: RoomPipeline;
      store: RoomStore;
      profiles: ProfileSource;
      serverName: string;
      defaultRoomVersion: string;
    },
  ) {}

  async createRoom(creator: string, body: Record<string, unknown>): Promise<{ room_id: string; room_alias?: string }> {
    const { store, pipeline, profiles, serverName } = this.deps;
    const invite = Array.isArray(body['invite']) ? body['invite'].filter((u): u is string => typeof u === 'string') : [];
    const inviteeProfiles = new Map<string, { displayname: string | null; avatar_url: string | null }>();
    for (const u of new Set(invite)) {
      // A malformed ID makes planCreateRoom refuse the request: stop looking up profiles
      // (a list of thousands of garbage IDs would otherwise cost one query each first).
      if (!/^@[^:\s\u0000]+:[^\s\u0000]+$/.test(u)) break;
      const p = await profiles.profile(u);
      if (p) inviteeProfiles.set(u, p);
    }
    const plan = planCreateRoom({
      creator,
      serverName,
      defaultRoomVersion: this.deps.defaultRoomVersion,
      creatorProfile: (await profiles.profile(creator)) ?? { displayname: null, avatar_url: null },
      inviteeProfiles,
      body,
    });
    if (plan.alias && (await store.getAlias(plan.alias))) {
      throw new MatrixError(400, 'M_ROOM_IN_USE', `Room alias ${plan.alias} already taken`);
    }
    const { roomId } = await pipeline.createRoom({
      rules: plan.rules,
      creator,
      createContent: plan.createContent,
      events: plan.events,
      isPublic: plan.isPublic,
      beforePersist: async (id) => {
        if (plan.alias && !(await store.createAlias(plan.alias, id, creator))) {
          throw new MatrixError(400, 'M_ROOM_IN_USE', `Room alias ${plan.alias} already taken`);
        }
      },
    });
    return { room_id: roomId, ...(plan.alias ? { room_alias: plan.alias } : {}) };
  }

  /** PUT /rooms/{roomId}/send/{eventType}/{txnId} (txn optional for the old POST form). */
  async sendMessage(sender: string, deviceId: string, roomId: string, type: string, content: JsonObject, txnId?: string): Promise<SendResult> {
    checkType(type);
    const req: SendRequest = { roomId, sender, type, content, senderMustBeJoined: true };
    if (txnId !== undefined) req.txn = { deviceId, txnId };
    return this.deps.pipeline.send(req);
  }

  /** PUT /rooms/{roomId}/state/{eventType}/{stateKey}. Same content as now → the current event's ID. */
  async sendState(sender: string, roomId: string, type: string, stateKey: string, content: JsonObject): Promise<SendResult> {
    checkType(type);
    if (type === 'm.room.canonical_alias') await this.checkCanonicalAlias(roomId, content);
    return this.deps.pipeline.send({
      roomId, sender, type, stateKey, content,
      precheck: (s) => {
        const cur = s.get(type, stateKey);
        if (cur && cur.sender === sender && sameJson(cur.content, content)) return cur.eventId;
      },
    });
  }

  /**
   * PUT /rooms/{roomId}/redact/{eventId}/{txnId}. The auth rules accept a
   * redaction from the target's server; the client-server API also requires
   * the sender to be the target's sender or to have the `redact` power level.
   */
  async redact(sender: string, deviceId: string, roomId: string, targetId: string, txnId: string, reason?: string): Promise<SendResult> {
    const target = await this.deps.store.getEvent(targetId);
    if (!target || target.roomId !== roomId) throw new MatrixError(404, 'M_NOT_FOUND', `Event ${targetId} not found in ${roomId}`);
    const content: JsonObject = reason !== undefined ? { reason } : {};
    return this.deps.pipeline.send({
      roomId, sender, type: 'm.room.redaction', content, redacts: targetId, txn: { deviceId, txnId },
      precheck: (s) => {
        if (s.membershipOf(sender) !== 'join') throw new MatrixError(403, 'M_FORBIDDEN', `${sender} is not in room ${roomId}`);
        if (target.sender === sender) return;
        const lookup = (t: string, k: string) => s.get(t, k);
        const pl = s.get('m.room.power_levels', '');
        if (userPowerLevel(sender, lookup, s.rules) < namedLevel(pl, 'redact', s.rules)) {
          throw new MatrixError(403, 'M_FORBIDDEN', 'You may only redact your own events in this room');
        }
      },
    });
  }

  async joinedRooms(userId: string): Promise<string[]> {
    return (await this.deps.store.roomsForUser(userId, ['join'])).map((r) => r.roomId);
  }

  /** room_state.yaml: the aliases of m.room.canonical_alias must exist and point here (400 M_BAD_ALIAS). */
  private async checkCanonicalAlias(roomId: string, content: JsonObject): Promise<void> {
    const aliases: unknown[] = [];
    if (content['alias'] !== undefined) aliases.push(content['alias']);
    if (content['alt_aliases'] !== undefined) {
      if (!Array.isArray(content['alt_aliases'])) throw new MatrixError(400, 'M_INVALID_PARAM', 'alt_aliases must be a list');
      aliases.push(...content['alt_aliases']);
    }
    for (const a of aliases) {
      if (typeof a !== 'string' || !/^#[^:\s]+:[^\s]+$/.test(a)) throw new MatrixError(400, 'M_INVALID_PARAM', `Invalid alias ${JSON.stringify(a)}`);
      if (a.slice(a.indexOf(':') + 1) !== this.deps.serverName) continue; // remote aliases cannot be checked without federation
      const found = await this.deps.store.getAlias(a);
      if (!found || found.roomId !== roomId) {
        throw new ResponseError(400, { errcode: 'M_BAD_ALIAS', error: `Alias ${a} does not point to this room` });
      }
    }
  }
}

function checkType(type: string): void {
  if (type === '') throw new MatrixError(400, 'M_INVALID_PARAM', 'Event type must not be empty');
}
