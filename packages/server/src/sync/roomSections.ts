// The per-room parts of a /sync response: timeline, state, summary, invite
// state. Spec: client-server-api/_index.md "Syncing"; sync.yaml (Joined Room,
// Invited Room, Left Room).
import type { SyncEventRow, SyncReadStore } from '../storage/ports/sync.js';
import { formatTimelineToken } from '../streams/tokens.js';
import { applyEventFields, eventMatches, type RoomEventFilter } from './Filter.js';
import type { ClientEventFormatter, Viewer, VisibilityFilter } from './ports.js';

export interface RoomSectionDeps {
  reads: SyncReadStore;
  format: ClientEventFormatter;
  visibility: VisibilityFilter;
}

export interface RoomCtx {
  viewer: Viewer;
  roomId: string;
  roomNid: number;
  nowTs: number;
  eventFields: string[] | undefined;
  /**
   * Events after this position are visible without asking the visibility filter:
   * the position of the membership event of a user who is joined (a joined user
   * sees everything after their join, whatever the history_visibility).
   */
  visibleAfter?: number;
  /** Ignored users (modules/ignore_users.md): their non-state events are left out. */
  ignored?: ReadonlySet<string>;
}

export interface Timeline {
  rows: SyncEventRow[];
  limited: boolean;
  /** Position just before the first returned event (or `upto` when empty). */
  startPos: number;
  /** Some events in the window were left out by the filter or history visibility. */
  dropped: boolean;
}

/**
 * The newest `limit` events of the room with after < stream_pos <= upto that
 * pass the filter and history visibility, oldest first. `limited` is true when
 * older events in the range were left out ("the timeline was limited" — sync.yaml).
 */
export async function loadTimeline(
  deps: RoomSectionDeps, ctx: RoomCtx, after: number | null, upto: number, limit: number, filter: RoomEventFilter | undefined,
): Promise<Timeline> {
  const picked: SyncEventRow[] = [];
  let cursor = upto;
  let exhausted = false;
  let dropped = false;
  const trivial = filter === undefined || (filter.types === undefined && filter.not_types === undefined &&
    filter.senders === undefined && filter.not_senders === undefined && filter.contains_url === undefined);
  const batch = trivial ? limit + 1 : Math.max(limit + 1, 20);
  while (picked.length < limit && !exhausted) {
    const rows = await deps.reads.timelineDesc(ctx.roomNid, after, cursor, batch);
    if (rows.length < batch) exhausted = true;
    if (rows.length === 0) break;
    cursor = rows[rows.length - 1]!.stream_pos - 1;
    const ignored = ctx.ignored;
    const matching = rows.filter((r) =>
      !(ignored?.has(r.sender) && r.state_key === null) &&
      eventMatches(filter, { type: r.type, sender: r.sender, room_id: ctx.roomId, content: contentOf(r, filter) }));
    matching.reverse();
    const visibleAfter = ctx.visibleAfter;
    const visible = visibleAfter !== undefined && (matching.length === 0 || matching[0]!.stream_pos > visibleAfter)
      ? matching
      : await deps.visibility(ctx.viewer.userId, ctx.roomId, ctx.roomNid, matching);
    if (visible.length < rows.length) dropped = true;
    for (let i = visible.length - 1; i >= 0 && picked.length < limit; i--) picked.push(visible[i]!);
    if (picked.length >= limit) {
      // Anything older left in the range (in this batch or beyond) makes it limited.
      const oldestPicked = picked[picked.length - 1]!.stream_pos;
      const olderInBatch = rows.some((r) => r.stream_pos < oldestPicked);
      if (olderInBatch || !exhausted) {
        const more = olderInBatch || (await deps.reads.timelineDesc(ctx.roomNid, after, oldestPicked - 1, 1)).length > 0;
        picked.reverse();
        return { rows: picked, limited: more, startPos: oldestPicked - 1, dropped };
      }
    }
  }
  picked.reverse();
  return { rows: picked, limited: false, startPos: picked.length > 0 ? picked[0]!.stream_pos - 1 : upto, dropped };
}

function contentOf(r: SyncEventRow, filter: RoomEventFilter | undefined): unknown {
  // Only contains_url needs the content; avoid parsing JSON otherwise.
  if (filter?.contains_url === undefined) return undefined;
  return (JSON.parse(r.json) as { content?: unknown }).content;
}

export async function timelineJson(deps: RoomSectionDeps, ctx: RoomCtx, t: Timeline): Promise<Record<string, unknown>> {
  return {
    events: await formatEvents(deps, ctx, t.rows),
    limited: t.limited,
    prev_batch: formatTimelineToken(t.startPos),
  };
}

export async function formatEvents(deps: RoomSectionDeps, ctx: RoomCtx, rows: readonly SyncEventRow[]): Promise<Record<string, unknown>[]> {
  const events = await deps.format(rows, ctx.roomId, ctx.viewer);
  return ctx.eventFields ? events.map((e) => applyEventFields(e, ctx.eventFields)) : events;
}

/** The room state at a position (one event per (type, state_key) with stream_pos <= pos). */
export async function stateAt(reads: SyncReadStore, roomNid: number, pos: number, prefetched?: SyncEventRow[]): Promise<SyncEventRow[]> {
  const current = prefetched ?? (await reads.currentState(roomNid));
  const out: SyncEventRow[] = [];
  for (const row of current) {
    if (row.stream_pos <= pos) {
      out.push(row);
      continue;
    }
    // Changed after pos (rare: only state changed inside or after the timeline window).
    const earlier = await reads.stateEventAt(roomNid, row.type, row.state_key!, pos);
    if (earlier) out.push(earlier);
  }
  return out;
}

/** Latest event per (type, state_key), keeping stream order. */
export function dedupeState(rows: SyncEventRow[]): SyncEventRow[] {
  const latest = new Map<string, SyncEventRow>();
  for (const r of rows) latest.set(`${r.type}\u0000${r.state_key}`, r);
  return [...latest.values()].sort((a, b) => a.stream_pos - b.stream_pos);
}

/**
 * Applies the state filter and lazy-loading (spec "Lazy-loading room members"):
 * with lazy_load_members only the members who sent timeline events (and the
 * syncing user when `includeOwn`) are kept; `mustKeep` members (joins/leaves in
 * the gap of a limited incremental sync) stay regardless.
 */
export function filterState(
  rows: SyncEventRow[], roomId: string, filter: RoomEventFilter | undefined, timeline: SyncEventRow[], ownUserId: string,
  includeOwn: boolean, mustKeep: ReadonlySet<string> = new Set(),
): SyncEventRow[] {
  const lazy = filter?.lazy_load_members === true;
  const senders = new Set(timeline.map((r) => r.sender));
  if (includeOwn) senders.add(ownUserId);
  return rows.filter((r) => {
    if (!eventMatches(filter, { type: r.type, sender: r.sender, room_id: roomId })) return false;
    if (lazy && r.type === 'm.room.member' && !senders.has(r.state_key!) && !mustKeep.has(r.event_id)) return false;
    return true;
  });
}

/** Room summary (sync.yaml RoomSummary): heroes and member counts from current state. */
export async function roomSummary(
  reads: SyncReadStore, roomNid: number, ownUserId: string, currentState?: SyncEventRow[],
): Promise<Record<string, unknown>> {
  const members = currentState
    ? currentState
        .filter((r) => r.type === 'm.room.member')
        .map((r) => ({ userId: r.state_key!, membership: r.membership ?? 'leave', streamPos: r.stream_pos }))
    : await reads.members(roomNid);
  let joined = 0;
  let invited = 0;
  const heroes: string[] = [];
  const others: string[] = [];
  for (const m of members) {
    if (m.membership === 'join') joined++;
    else if (m.membership === 'invite') invited++;
    if (m.userId === ownUserId) continue;
    // "the first 5 members of the room, ordered by stream ordering, which are joined or invited";
    // when none, "the banned and left users".
    if (m.membership === 'join' || m.membership === 'invite') {
      if (heroes.length < 5) heroes.push(m.userId);
    } else if (others.length < 5) others.push(m.userId);
  }
  return {
    'm.heroes': heroes.length > 0 ? heroes : others,
    'm.joined_member_count': joined,
    'm.invited_member_count': invited,
  };
}

/** Types of state copied, stripped, into invite_state (spec "Stripped state"). */
const STRIPPED_TYPES = new Set([
  'm.room.create', 'm.room.join_rules', 'm.room.name', 'm.room.avatar', 'm.room.canonical_alias', 'm.room.encryption', 'm.room.topic',
]);

function stripped(ev: { type: string; state_key?: unknown; content?: unknown; sender?: unknown }): Record<string, unknown> {
  return { type: ev.type, state_key: ev.state_key, content: ev.content, sender: ev.sender };
}

/**
 * invite_state for an invited room (and knock_state for a knocked one): the
 * membership event's own unsigned.invite_room_state when the pipeline attached one
 * (federated invites), else stripped current state; always ending with the
 * membership event itself.
 */
export async function inviteState(reads: SyncReadStore, roomNid: number, inviteRow: SyncEventRow): Promise<Record<string, unknown>[]> {
  const invite = JSON.parse(inviteRow.json) as Record<string, unknown> & { unsigned?: { invite_room_state?: unknown } };
  const out: Record<string, unknown>[] = [];
  const carried = invite.unsigned?.invite_room_state;
  if (Array.isArray(carried)) {
    for (const ev of carried) if (typeof ev === 'object' && ev !== null) out.push(stripped(ev as { type: string }));
  } else {
    for (const r of await reads.currentState(roomNid)) {
      if (STRIPPED_TYPES.has(r.type) && r.state_key === '') out.push(stripped(JSON.parse(r.json) as { type: string }));
    }
  }
  out.push(stripped(invite as { type: string }));
  return out;
}
