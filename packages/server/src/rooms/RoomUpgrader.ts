// POST /rooms/{roomId}/upgrade (room_upgrades.yaml; client-server-api "Room
// Upgrades", server behaviour 1–6): checks the tombstone permission, creates the
// replacement room (predecessor, type, transferable state, the old power
// levels), moves local aliases and the directory listing, tombstones the old
// room and restricts its power levels.
import { MatrixError, requiredPowerLevelForEvent, roomVersionRules, userPowerLevel, type JsonObject } from '@weft/core';
import type { RoomStore } from '../storage/ports/rooms.js';
import type { RoomPipeline } from './RoomPipeline.js';
import type { RoomService } from './RoomService.js';

/** Step 3's recommended transferable state (m.room.power_levels goes in as the new room's override). */
const TRANSFERRED = [
  'm.room.server_acl', 'm.room.encryption', 'm.room.name', 'm.room.avatar', 'm.room.topic',
  'm.room.guest_access', 'm.room.history_visibility', 'm.room.join_rules',
];

export class RoomUpgrader {
  constructor(private readonly deps: { pipeline: RoomPipeline; store: RoomStore; rooms: RoomService; serverName: string }) {}

  async upgrade(userId: string, roomId: string, newVersion: string, additionalCreators: readonly string[] | undefined): Promise<{ replacement_room: string }> {
    const { pipeline, store, rooms } = this.deps;
    const newRules = roomVersionRules(newVersion);
    if (!newRules) throw new MatrixError(400, 'M_UNSUPPORTED_ROOM_VERSION', `This server does not support room version ${newVersion}`);
    const state = await pipeline.roomState(roomId);
    const room = await store.getRoom(roomId);
    if (!state || !room || state.membershipOf(userId) !== 'join') throw new MatrixError(403, 'M_FORBIDDEN', `${userId} is not in room ${roomId}`);
    // 1. "Checks that the user has permission to send m.room.tombstone events in the room."
    if (userPowerLevel(userId, state.lookup, state.rules) < requiredPowerLevelForEvent('m.room.tombstone', true, state.lookup, state.rules)) {
      throw new MatrixError(403, 'M_FORBIDDEN', 'You cannot upgrade this room');
    }
    if (state.get('m.room.tombstone', '')?.content.replacement_room !== undefined) {
      throw new MatrixError(400, 'M_BAD_STATE', 'This room has already been upgraded');
    }

    // 2. The create event: predecessor, the old room's type (v12: the event ID may be omitted).
    const oldCreate = state.get('m.room.create', '')!.content;
    const last = await store.lastEvent(room.roomNid);
    const creationContent: JsonObject = {
      predecessor: newRules.privilegedCreators || !last ? { room_id: roomId } : { room_id: roomId, event_id: last.eventId },
    };
    if (oldCreate.type !== undefined) creationContent.type = oldCreate.type;
    if (oldCreate['m.federate'] === false) creationContent['m.federate'] = false;
    if (newRules.privilegedCreators && additionalCreators && additionalCreators.length > 0) creationContent.additional_creators = [...additionalCreators];

    // The old power levels. The upgrader keeps a level that lets them send the transferred
    // state; in versions with privileged creators, creators may not appear in `users`.
    const pl: JsonObject = structuredClone(state.get('m.room.power_levels', '')?.content ?? {});
    const users: JsonObject = typeof pl.users === 'object' && pl.users !== null && !Array.isArray(pl.users) ? (pl.users as JsonObject) : {};
    const transferred = TRANSFERRED.map((type) => state.get(type, '')).filter((e) => e !== undefined);
    if (newRules.privilegedCreators) {
      delete users[userId];
      for (const c of additionalCreators ?? []) delete users[c];
    } else {
      const needed = Math.max(100, ...transferred.map((e) => requiredPowerLevelForEvent(e.type, true, state.lookup, state.rules)));
      const current = userPowerLevel(userId, state.lookup, state.rules);
      users[userId] = Number.isFinite(current) ? Math.max(current, needed) : needed;
    }
    pl.users = users;

    const created = await rooms.createRoom(userId, {
      room_version: newVersion,
      preset: 'private_chat',
      creation_content: creationContent,
      power_level_content_override: pl,
      initial_state: transferred.map((e) => ({ type: e.type, state_key: '', content: e.content })),
    });
    const newRoomId = created.room_id;

    // 4. Local aliases (and the canonical alias event) move to the new room; so does the directory listing.
    for (const alias of await store.aliasesForRoom(roomId)) {
      const entry = await store.getAlias(alias);
      await store.deleteAlias(alias);
      await store.createAlias(alias, newRoomId, entry?.creator ?? userId);
    }
    const canonical = state.get('m.room.canonical_alias', '');
    if (canonical && (canonical.content.alias !== undefined || canonical.content.alt_aliases !== undefined)) {
      await rooms.sendState(userId, newRoomId, 'm.room.canonical_alias', '', canonical.content);
      await rooms.sendState(userId, roomId, 'm.room.canonical_alias', '', {});
    }
    if (room.isPublic) {
      const newRoom = await store.getRoom(newRoomId);
      if (newRoom) await store.setRoomPublic(newRoom.roomNid, true);
      await store.setRoomPublic(room.roomNid, false);
    }

    // 5. The tombstone. 6. Nobody but moderators may speak or invite in the old room.
    await rooms.sendState(userId, roomId, 'm.room.tombstone', '', { body: 'This room has been replaced', replacement_room: newRoomId });
    const oldPl = state.get('m.room.power_levels', '');
    if (oldPl) {
      const usersDefault = typeof oldPl.content.users_default === 'number' ? oldPl.content.users_default : 0;
      const restricted = Math.max(50, usersDefault + 1);
      const content = structuredClone(oldPl.content);
      content.events_default = Math.max(typeof content.events_default === 'number' ? content.events_default : 0, restricted);
      content.invite = Math.max(typeof content.invite === 'number' ? content.invite : 0, restricted);
      // Best effort: a moderator who may tombstone may still lack the power to change the levels.
      await rooms.sendState(userId, roomId, 'm.room.power_levels', '', content).catch(() => undefined);
    }
    return { replacement_room: newRoomId };
  }
}
