// Membership changes by local users: join (by ID or alias), invite, leave,
// kick, ban, unban, forget, plus reflecting profile changes and deactivation.
// Spec: client-server-api "Room membership" (joining.yaml, inviting.yaml,
// leaving.yaml, kicking.yaml, banning.yaml). Permissions come from the core's
// authorization rules (403 M_FORBIDDEN with the rule's reason); this file adds
// the API's own checks the auth rules do not make.
import { MatrixError, type JsonObject } from '@weft/core';
import type { RoomStore } from '../storage/ports/rooms.js';
import type { RoomPipeline } from './RoomPipeline.js';
import type { RoomState } from './RoomState.js';
import { memberContent } from './createRoomPlan.js';

export interface ProfileSource {
  /** The local user's profile, or undefined for an unknown/remote user. */
  profile(userId: string): Promise<{ displayname: string | null; avatar_url: string | null } | undefined>;
}

const USER_ID_RE = /^@[^:\s\u0000]+:[^\s\u0000]+$/;

export class MembershipService {
  constructor(
    private readonly deps: {
      pipeline: RoomPipeline;
      store: RoomStore;
      profiles: ProfileSource;
      serverName: string;
    },
  ) {}

  /** Resolves `!room:server` or `#alias:server` to a known room ID; 404 M_NOT_FOUND otherwise. */
  async resolveRoom(roomIdOrAlias: string): Promise<string> {
    if (roomIdOrAlias.startsWith('#')) {
      const a = await this.deps.store.getAlias(roomIdOrAlias);
      if (!a) throw new MatrixError(404, 'M_NOT_FOUND', `Room alias ${roomIdOrAlias} not found`);
      return a.roomId;
    }
    if (!roomIdOrAlias.startsWith('!')) throw new MatrixError(400, 'M_INVALID_PARAM', 'Expected a room ID or alias');
    return roomIdOrAlias;
  }

  /** POST /join/{roomIdOrAlias}, /rooms/{roomId}/join. Returns the room ID. */
  async join(userId: string, roomIdOrAlias: string, reason?: string): Promise<string> {
    const roomId = await this.resolveRoom(roomIdOrAlias);
    const state = await this.deps.pipeline.roomState(roomId);
    // NOTSPEC (no federation yet): a room this server has never seen cannot be joined.
    if (!state) throw new MatrixError(404, 'M_NOT_FOUND', `Room ${roomIdOrAlias} is not known to this server`);
    const content = memberContent('join', await this.deps.profiles.profile(userId), reason);
    await this.deps.pipeline.send({
      roomId, sender: userId, type: 'm.room.member', stateKey: userId, content,
      // Joining again with nothing changed sends nothing (Synapse does the same).
      precheck: (s) => sameMembership(s, userId, content),
    });
    await this.deps.store.setForgotten(userId, roomId, false);
    return roomId;
  }

  /**
   * POST /knock/{roomIdOrAlias} (knocking.yaml, room versions 7+). The auth
   * rules refuse it unless the join rule is knock (or knock_restricted) and the
   * user is not joined, invited or banned: 403 M_FORBIDDEN. Returns the room ID.
   */
  async knock(userId: string, roomIdOrAlias: string, reason?: string): Promise<string> {
    const roomId = await this.resolveRoom(roomIdOrAlias);
    // NOTSPEC (no federation yet): only rooms this server knows can be knocked on.
    if (!(await this.deps.pipeline.roomState(roomId))) throw new MatrixError(404, 'M_NOT_FOUND', `Room ${roomIdOrAlias} is not known to this server`);
    const content = memberContent('knock', await this.deps.profiles.profile(userId), reason);
    await this.deps.pipeline.send({
      roomId, sender: userId, type: 'm.room.member', stateKey: userId, content,
      precheck: (s) => sameMembership(s, userId, content),
    });
    return roomId;
  }

  async invite(sender: string, roomId: string, target: string, reason?: string): Promise<void> {
    checkUserId(target);
    const state = await this.knownRoom(roomId);
    const current = state.membershipOf(target);
    // The auth rules refuse these too; the API names the problem more clearly.
    if (current === 'join') throw new MatrixError(403, 'M_FORBIDDEN', `${target} is already in the room`);
    if (current === 'ban') throw new MatrixError(403, 'M_FORBIDDEN', `${target} is banned from the room`);
    const content = memberContent('invite', await this.deps.profiles.profile(target), reason);
    await this.deps.pipeline.send({
      roomId, sender, type: 'm.room.member', stateKey: target, content,
      precheck: (s) => sameMembership(s, target, content),
    });
  }

  /** Leave, or reject an invite. */
  async leave(userId: string, roomId: string, reason?: string): Promise<void> {
    const state = await this.knownRoom(roomId);
    const current = state.membershipOf(userId);
    if (current === undefined || current === 'leave' || current === 'ban') {
      // Synapse answers 403 when there is nothing to leave; leaving twice is harmless for clients.
      if (current === 'leave') return;
      throw new MatrixError(403, 'M_FORBIDDEN', `${userId} is not in room ${roomId}`);
    }
    await this.deps.pipeline.send({
      roomId, sender: userId, type: 'm.room.member', stateKey: userId,
      content: memberContent('leave', undefined, reason),
    });
  }

  async kick(sender: string, roomId: string, target: string, reason?: string): Promise<void> {
    checkUserId(target);
    const state = await this.knownRoom(roomId);
    const current = state.membershipOf(target);
    if (current !== 'join' && current !== 'invite' && current !== 'knock') {
      throw new MatrixError(403, 'M_FORBIDDEN', `${target} is not in the room`);
    }
    await this.deps.pipeline.send({
      roomId, sender, type: 'm.room.member', stateKey: target, content: memberContent('leave', undefined, reason),
    });
  }

  async ban(sender: string, roomId: string, target: string, reason?: string): Promise<void> {
    checkUserId(target);
    await this.knownRoom(roomId);
    await this.deps.pipeline.send({
      roomId, sender, type: 'm.room.member', stateKey: target, content: memberContent('ban', undefined, reason),
      precheck: (s) => (s.membershipOf(target) === 'ban' && reason === undefined ? s.get('m.room.member', target)!.eventId : undefined),
    });
  }

  async unban(sender: string, roomId: string, target: string, reason?: string): Promise<void> {
    checkUserId(target);
    const state = await this.knownRoom(roomId);
    if (state.membershipOf(target) !== 'ban') throw new MatrixError(403, 'M_FORBIDDEN', `${target} is not banned`);
    await this.deps.pipeline.send({
      roomId, sender, type: 'm.room.member', stateKey: target, content: memberContent('leave', undefined, reason),
    });
  }

  /** POST /rooms/{roomId}/forget: only once the user has left (400 otherwise). */
  async forget(userId: string, roomId: string): Promise<void> {
    const state = await this.knownRoom(roomId);
    const current = state.membershipOf(userId);
    if (current === 'join' || current === 'invite' || current === 'knock') {
      throw new MatrixError(400, 'M_UNKNOWN', `User ${userId} is in room ${roomId}`);
    }
    await this.deps.store.setForgotten(userId, roomId, true);
  }

  /** Reflects a displayname/avatar change into the member event of every joined room. */
  async profileChanged(userId: string, profile: { displayname: string | null; avatar_url: string | null }): Promise<void> {
    const rooms = await this.deps.store.roomsForUser(userId, ['join']);
    await Promise.all(
      rooms.map(async ({ roomId }) => {
        const state = await this.deps.pipeline.roomState(roomId);
        const old = state?.get('m.room.member', userId)?.content ?? {};
        const content: JsonObject = { ...old, membership: 'join' };
        delete content['displayname'];
        delete content['avatar_url'];
        delete content['reason'];
        if (profile.displayname) content['displayname'] = profile.displayname;
        if (profile.avatar_url) content['avatar_url'] = profile.avatar_url;
        try {
          await this.deps.pipeline.send({
            roomId, sender: userId, type: 'm.room.member', stateKey: userId, content,
            precheck: (s) => sameMembership(s, userId, content),
          });
        } catch (err) {
          // One room refusing (e.g. the user lost permission) must not stop the others.
          if (!(err instanceof MatrixError)) throw err;
        }
      }),
    );
  }

  /** Deactivated users leave every room they are joined to or invited to (as Synapse does). */
  async userDeactivated(userId: string): Promise<void> {
    const rooms = await this.deps.store.roomsForUser(userId, ['join', 'invite', 'knock']);
    for (const { roomId } of rooms) {
      try {
        await this.leave(userId, roomId);
      } catch (err) {
        if (!(err instanceof MatrixError)) throw err;
      }
    }
  }

  private async knownRoom(roomId: string): Promise<RoomState> {
    const state = await this.deps.pipeline.roomState(roomId);
    if (!state) throw new MatrixError(404, 'M_NOT_FOUND', `Unknown room ${roomId}`);
    return state;
  }
}

function checkUserId(userId: unknown): void {
  if (typeof userId !== 'string' || !USER_ID_RE.test(userId) || userId.length > 255) {
    throw new MatrixError(400, 'M_INVALID_PARAM', `Invalid user ID ${JSON.stringify(userId)}`);
  }
}

/** The current member event's ID when it already has exactly this content. */
function sameMembership(state: RoomState, userId: string, content: JsonObject): string | undefined {
  const cur = state.get('m.room.member', userId);
  if (!cur) return undefined;
  return sameJson(cur.content, content) ? cur.eventId : undefined;
}

export function sameJson(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  const ka = Object.keys(a);
  const kb = Object.keys(b);
  if (ka.length !== kb.length) return false;
  return ka.every((k) => sameJson((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]));
}
