// GET /v1/rooms/{roomId}/hierarchy (space_hierarchy.yaml; client-server-api
// "Spaces"): the space tree below a room, depth-first, over m.space.child
// state events of local rooms. NOTSPEC (no federation yet): rooms this server
// does not know are left out instead of being fetched from `via` servers.
import { MatrixError, type RoomEvent } from '@weft/core';
import type { RoomState } from '../rooms/RoomState.js';
import { describe, type PublicRoomsChunkEntry } from '../rooms/RoomDirectory.js';

export interface HierarchyQuery {
  suggestedOnly: boolean;
  maxDepth: number;
  limit: number;
  from?: string;
}

export interface StrippedChildState {
  type: string;
  state_key: string;
  content: Record<string, unknown>;
  sender: string;
  origin_server_ts: number;
}

export type HierarchyRoom = PublicRoomsChunkEntry & { children_state: StrippedChildState[] };

/** Rooms one traversal visits at most (resource cap; every page re-walks the local tree). */
export const HIERARCHY_MAX_ROOMS = 1000;

const invalid = (msg: string) => new MatrixError(400, 'M_INVALID_PARAM', msg);
const ORDER_RE = /^[\x20-\x7E]{1,50}$/;

export class SpaceHierarchy {
  constructor(private readonly deps: { roomState(roomId: string): Promise<RoomState | undefined> }) {}

  async hierarchy(userId: string, roomId: string, q: HierarchyQuery): Promise<{ rooms: HierarchyRoom[]; next_batch?: string }> {
    let offset = 0;
    if (q.from !== undefined) {
      // The token pins the traversal's parameters: "If specified, max_depth and
      // suggested_only cannot be changed from the first request."
      const m = /^h(\d{1,9})_(\d{1,9})_([01])$/.exec(q.from);
      if (!m) throw invalid('Unknown from token');
      if (Number(m[2]) !== q.maxDepth || (m[3] === '1') !== q.suggestedOnly) {
        throw invalid('suggested_only and max_depth cannot change on paginated requests');
      }
      offset = Number(m[1]);
    }
    const root = roomId.includes('\u0000') ? undefined : await this.deps.roomState(roomId);
    // 403: "The user cannot view or peek on the room" (also for unknown rooms).
    if (!root || !(await this.accessible(root, userId))) {
      throw new MatrixError(403, 'M_FORBIDDEN', `You cannot view room ${roomId}`);
    }
    const out: HierarchyRoom[] = [];
    const seen = new Set<string>([roomId]);
    const stack: { state: RoomState; depth: number }[] = [{ state: root, depth: 0 }];
    let index = 0;
    while (stack.length > 0 && seen.size <= HIERARCHY_MAX_ROOMS) {
      const { state, depth } = stack.pop()!;
      const children = this.children(state, q.suggestedOnly);
      if (index >= offset) {
        if (out.length === q.limit) {
          return { rooms: out, next_batch: `h${index}_${q.maxDepth}_${q.suggestedOnly ? 1 : 0}` };
        }
        out.push({ ...describe(state, state.members('join').length), children_state: children.map(stripped) });
      }
      index++;
      if (depth >= q.maxDepth) continue;
      const next: RoomState[] = [];
      for (const c of children) {
        const id = c.stateKey!;
        if (seen.has(id)) continue;
        seen.add(id);
        const s = await this.deps.roomState(id);
        if (s && (await this.accessible(s, userId))) next.push(s);
      }
      // Depth-first, children in their space order.
      for (let i = next.length - 1; i >= 0; i--) stack.push({ state: next[i]!, depth: depth + 1 });
    }
    return { rooms: out };
  }

  /** The room's valid m.space.child events ("via" non-empty), in the spec's order; only for spaces. */
  private children(state: RoomState, suggestedOnly: boolean): RoomEvent[] {
    if (state.get('m.room.create', '')?.content['type'] !== 'm.space') return [];
    const out: RoomEvent[] = [];
    for (const { event } of state.state.values()) {
      if (event.type !== 'm.space.child' || event.stateKey === undefined) continue;
      const via = event.content['via'];
      if (!Array.isArray(via) || via.length === 0) continue;
      if (suggestedOnly && event.content['suggested'] !== true) continue;
      out.push(event);
    }
    const order = (e: RoomEvent) => {
      const o = e.content['order'];
      return typeof o === 'string' && ORDER_RE.test(o) ? o : undefined;
    };
    // client-server-api "Ordering of children within a space": valid `order`
    // first (lexicographic), then origin_server_ts, then room ID.
    return out.sort((a, b) => {
      const oa = order(a);
      const ob = order(b);
      if (oa !== ob) {
        if (oa === undefined) return 1;
        if (ob === undefined) return -1;
        return oa < ob ? -1 : 1;
      }
      if (a.originServerTs !== b.originServerTs) return a.originServerTs - b.originServerTs;
      return a.stateKey! < b.stateKey! ? -1 : a.stateKey! > b.stateKey! ? 1 : 0;
    });
  }

  /**
   * space_hierarchy.yaml: joined; invited; join rule public; restricted with the
   * user joined to an allowed room; knockable; or world_readable history.
   */
  private async accessible(state: RoomState, userId: string): Promise<boolean> {
    const membership = state.membershipOf(userId);
    if (membership === 'join' || membership === 'invite') return true;
    // space_hierarchy.yaml 403: "The user has been banned from the room."
    if (membership === 'ban') return false;
    if (state.get('m.room.history_visibility', '')?.content['history_visibility'] === 'world_readable') return true;
    const joinRules = state.get('m.room.join_rules', '')?.content;
    const rule = joinRules?.['join_rule'];
    if (rule === 'public') return true;
    if (rule === 'knock' && state.rules.knocking) return true;
    if (rule === 'knock_restricted' && state.rules.knockRestricted) return true;
    if (rule === 'restricted' && state.rules.restrictedJoins) {
      const allow = Array.isArray(joinRules?.['allow']) ? (joinRules!['allow'] as unknown[]) : [];
      for (const a of allow) {
        if (typeof a !== 'object' || a === null) continue;
        const { type, room_id: allowed } = a as { type?: unknown; room_id?: unknown };
        if (type !== 'm.room_membership' || typeof allowed !== 'string') continue;
        if ((await this.deps.roomState(allowed))?.membershipOf(userId) === 'join') return true;
      }
    }
    return false;
  }
}

function stripped(e: RoomEvent): StrippedChildState {
  return { type: e.type, state_key: e.stateKey!, content: e.content as Record<string, unknown>, sender: e.sender, origin_server_ts: e.originServerTs };
}
