// The read side of room events for the client API: single events, state,
// members, /context and /messages, each behind the room-level access check and
// history visibility (visibility/), formatted by the rooms area's one
// client-event formatter (rooms/ClientEventSerializer.ts → toClientEvent).
// Spec: rooms.yaml, room_state.yaml, event_context.yaml, message_pagination.yaml.
import { MatrixError } from '@weft/core';
import type { EventRow, RoomStore } from '../../storage/ports/rooms.js';
import type { RoomReadStore } from '../../storage/ports/roomReads.js';
import type { ClientEvent } from '../../rooms/clientEvent.js';
import type { Viewer } from '../../rooms/ClientEventSerializer.js';
import { eventMatches, type RoomEventFilter } from '../../sync/Filter.js';
import { formatTimelineToken } from '../../streams/tokens.js';
import type { HistoryVisibilityService, RoomAccess } from '../../visibility/HistoryVisibilityService.js';
import { eventRowInfo } from '../../visibility/HistoryVisibilityService.js';
import { paginate } from './paginate.js';

export interface EventSerializer {
  serialize(rows: readonly EventRow[], viewer?: Viewer): Promise<ClientEvent[]>;
}

export interface RoomEventsReaderDeps {
  rooms: Pick<RoomStore, 'getRoom' | 'isForgotten' | 'getEvent' | 'currentStateEvents' | 'currentStateEvent'>;
  reads: RoomReadStore;
  visibility: HistoryVisibilityService;
  serializer: EventSerializer;
  /** The stream position readers may read up to (StreamIdGenerator.current). */
  currentPos: () => number;
  /** The user's m.ignored_user_list (account data); omitted → nobody is ignored. */
  ignoredUsers?: (userId: string) => Promise<ReadonlySet<string>>;
}

export interface MembersQuery {
  /** Token position (`at`). */
  at?: number;
  membership?: string;
  notMembership?: string;
}

export interface MessagesQuery {
  dir: 'b' | 'f';
  /** The `from` token as given (echoed as `start`) and its position. */
  from?: { token: string; pos: number };
  to?: number;
  limit: number;
  filter?: RoomEventFilter;
}

const notFound = () => new MatrixError(404, 'M_NOT_FOUND', 'Event not found');
/** No identifier holds NUL, and PostgreSQL refuses it in text parameters: such lookups find nothing. */
const hasNul = (...values: string[]) => values.some((v) => v.includes('\u0000'));

export class RoomEventsReader {
  constructor(private readonly deps: RoomEventsReaderDeps) {}

  private async ignored(userId: string): Promise<ReadonlySet<string>> {
    return this.deps.ignoredUsers ? this.deps.ignoredUsers(userId) : new Set();
  }

  /** GET /rooms/{roomId}/event/{eventId}: 404 when unknown, elsewhere, or not visible. */
  async getEvent(viewer: Viewer, roomId: string, eventId: string): Promise<ClientEvent> {
    let access: RoomAccess;
    try {
      access = await this.deps.visibility.roomAccess(viewer.userId, roomId);
    } catch {
      throw notFound();
    }
    const row = hasNul(eventId) ? undefined : await this.deps.rooms.getEvent(eventId);
    if (!row || row.roomNid !== access.room.roomNid || !access.timeline.canSee(eventRowInfo(row))) throw notFound();
    return (await this.deps.serializer.serialize([row], viewer))[0]!;
  }

  /** The state rows the user may read: current, or at their leave (rooms.yaml). */
  private async stateRows(access: RoomAccess, type?: string): Promise<EventRow[]> {
    if (access.stateUpto !== null) return this.deps.reads.stateAt(access.room.roomNid, access.stateUpto, type !== undefined ? { type } : {});
    const rows = await this.deps.rooms.currentStateEvents(access.room.roomNid);
    return type === undefined ? rows : rows.filter((r) => r.type === type);
  }

  /** GET /rooms/{roomId}/state. */
  async state(viewer: Viewer, roomId: string): Promise<ClientEvent[]> {
    const access = await this.deps.visibility.roomAccess(viewer.userId, roomId);
    return this.deps.serializer.serialize(await this.stateRows(access), viewer);
  }

  /** GET /rooms/{roomId}/state/{eventType}/{stateKey}: 404 M_NOT_FOUND when absent. */
  async stateEvent(viewer: Viewer, roomId: string, type: string, stateKey: string): Promise<ClientEvent> {
    const access = await this.deps.visibility.roomAccess(viewer.userId, roomId);
    const row = hasNul(type, stateKey) ? undefined : access.stateUpto !== null
      ? (await this.deps.reads.stateEventsAt(access.room.roomNid, access.stateUpto, type, [stateKey]))[0]
      : await this.deps.rooms.currentStateEvent(access.room.roomNid, type, stateKey);
    if (!row) throw new MatrixError(404, 'M_NOT_FOUND', 'Event not found');
    return (await this.deps.serializer.serialize([row], viewer))[0]!;
  }

  /** GET /rooms/{roomId}/members. */
  async members(viewer: Viewer, roomId: string, q: MembersQuery): Promise<ClientEvent[]> {
    const access = await this.deps.visibility.roomAccess(viewer.userId, roomId);
    let rows: EventRow[];
    if (q.at === undefined) {
      rows = await this.stateRows(access, 'm.room.member');
    } else {
      let pos = Math.min(q.at, this.deps.currentPos());
      if (access.stateUpto !== null) pos = Math.min(pos, access.stateUpto);
      rows = await this.deps.reads.stateAt(access.room.roomNid, pos, { type: 'm.room.member' });
    }
    // "When specified alongside not_membership, the two parameters create an
    // 'or' condition" (rooms.yaml).
    if (q.membership !== undefined || q.notMembership !== undefined) {
      rows = rows.filter((r) =>
        (q.membership !== undefined && r.membership === q.membership) ||
        (q.notMembership !== undefined && r.membership !== q.notMembership));
    }
    return this.deps.serializer.serialize(rows, viewer);
  }

  /** GET /rooms/{roomId}/joined_members: "The current user must be in the room". */
  async joinedMembers(viewer: Viewer, roomId: string): Promise<Record<string, { display_name?: string; avatar_url?: string }>> {
    const access = await this.deps.visibility.roomAccess(viewer.userId, roomId);
    // NOTSPEC: world_readable rooms may be read without joining (as Synapse does).
    if (access.membership !== 'join' && access.stateUpto !== null) {
      throw new MatrixError(403, 'M_FORBIDDEN', `User ${viewer.userId} not in room ${roomId}`);
    }
    const joined: Record<string, { display_name?: string; avatar_url?: string }> = {};
    for (const r of await this.deps.rooms.currentStateEvents(access.room.roomNid)) {
      if (r.type !== 'm.room.member' || r.membership !== 'join' || r.stateKey === null) continue;
      const content = (JSON.parse(r.json) as { content?: Record<string, unknown> }).content ?? {};
      const info: { display_name?: string; avatar_url?: string } = {};
      if (typeof content['displayname'] === 'string') info.display_name = content['displayname'];
      if (typeof content['avatar_url'] === 'string') info.avatar_url = content['avatar_url'];
      joined[r.stateKey] = info;
    }
    return joined;
  }

  /** GET /rooms/{roomId}/context/{eventId} (event_context.yaml). */
  async context(viewer: Viewer, roomId: string, eventId: string, limit: number, filter: RoomEventFilter | undefined): Promise<Record<string, unknown>> {
    const access = await this.deps.visibility.roomAccess(viewer.userId, roomId);
    const row = hasNul(eventId) ? undefined : await this.deps.rooms.getEvent(eventId);
    if (!row || row.roomNid !== access.room.roomNid || !access.timeline.canSee(eventRowInfo(row))) throw notFound();
    const upto = Math.min(this.deps.currentPos(), access.timeline.visibleUpto());
    // Synapse splits the limit the same way: half before (rounded down), the rest after.
    const beforeLimit = Math.floor(limit / 2);
    const ignored = await this.ignored(viewer.userId);
    const common = { roomNid: access.room.roomNid, roomId, to: null, upto, filter, timeline: access.timeline, ignored };
    const before = await paginate(this.deps.reads, { ...common, dir: 'b', from: row.streamPos - 1, limit: beforeLimit });
    const after = await paginate(this.deps.reads, { ...common, dir: 'f', from: row.streamPos, limit: limit - beforeLimit });
    const last = after.rows.length > 0 ? after.rows[after.rows.length - 1]! : row;
    // "The state of the room at the last event returned." The filter applies to
    // it too; with lazy_load_members only the returned events' senders' members.
    let state: EventRow[];
    if (filter?.lazy_load_members) {
      const senders = [...new Set([row, ...before.rows, ...after.rows].map((r) => r.sender))];
      state = [
        ...(await this.deps.reads.stateAt(access.room.roomNid, last.streamPos, { notType: 'm.room.member' })),
        ...(await this.deps.reads.stateEventsAt(access.room.roomNid, last.streamPos, 'm.room.member', senders)),
      ].sort((a, b) => a.streamPos - b.streamPos);
    } else {
      state = await this.deps.reads.stateAt(access.room.roomNid, last.streamPos);
    }
    state = state.filter((r) => eventMatches(filter, { type: r.type, sender: r.sender, room_id: roomId }));
    const [event, eventsBefore, eventsAfter, stateEvents] = await Promise.all([
      this.deps.serializer.serialize([row], viewer),
      this.deps.serializer.serialize(before.rows, viewer),
      this.deps.serializer.serialize(after.rows, viewer),
      this.deps.serializer.serialize(state, viewer),
    ]);
    return {
      start: formatTimelineToken(before.cursor),
      end: formatTimelineToken(after.cursor),
      event: event[0],
      events_before: eventsBefore,
      events_after: eventsAfter,
      state: stateEvents,
    };
  }

  /**
   * GET /v1/rooms/{roomId}/timestamp_to_event (room_event_by_timestamp.yaml):
   * the visible event closest to `ts` in direction `dir`; 404 M_NOT_FOUND when none.
   */
  async eventByTimestamp(viewer: Viewer, roomId: string, ts: number, dir: 'f' | 'b'): Promise<{ event_id: string; origin_server_ts: number }> {
    const access = await this.deps.visibility.roomAccess(viewer.userId, roomId);
    // Looks at the nearest 1,000 events only (a bound on the work per request).
    const rows = await this.deps.reads.eventsNearTimestamp(access.room.roomNid, ts, dir, 1000);
    const hit = rows.find((r) => access.timeline.canSee(eventRowInfo(r)));
    if (!hit) throw new MatrixError(404, 'M_NOT_FOUND', `Unable to find event ${dir === 'f' ? 'after' : 'before'} ${ts} in room ${roomId}`);
    return { event_id: hit.eventId, origin_server_ts: hit.originServerTs };
  }

  /** GET /rooms/{roomId}/messages (message_pagination.yaml). */
  async messages(viewer: Viewer, roomId: string, q: MessagesQuery): Promise<Record<string, unknown>> {
    const access = await this.deps.visibility.roomAccess(viewer.userId, roomId);
    const current = this.deps.currentPos();
    // Without `from`: "from the first or last (per dir) visible event" (v1.3).
    const fromPos = q.from?.pos ?? (q.dir === 'b' ? current : 0);
    const page = await paginate(this.deps.reads, {
      roomNid: access.room.roomNid, roomId, dir: q.dir, from: fromPos, to: q.to ?? null,
      upto: Math.min(current, access.timeline.visibleUpto()), limit: q.limit, filter: q.filter, timeline: access.timeline,
      ignored: await this.ignored(viewer.userId),
    });
    const out: Record<string, unknown> = {
      start: q.from?.token ?? formatTimelineToken(fromPos),
      chunk: await this.deps.serializer.serialize(page.rows, viewer),
    };
    // "If no further events are available ... this property is omitted."
    if (page.more) out['end'] = formatTimelineToken(page.cursor);
    if (q.filter?.lazy_load_members) {
      // Lazy-loading room members: the member events of the chunk's senders,
      // at the last event of the chunk (include_redundant_members: always sent).
      const senders = [...new Set(page.rows.map((r) => r.sender))];
      const at = page.rows.length > 0 ? page.rows[page.rows.length - 1]!.streamPos : fromPos;
      const members = senders.length > 0 ? await this.deps.reads.stateEventsAt(access.room.roomNid, at, 'm.room.member', senders) : [];
      out['state'] = await this.deps.serializer.serialize(members, viewer);
    }
    return out;
  }
}
