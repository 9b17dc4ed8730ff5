// GET /v1/rooms/{roomId}/relations/{eventId}[/{relType}[/{eventType}]] and
// GET /v1/rooms/{roomId}/threads (client-server-api "Event relationships",
// "Threading"; relations.yaml, threads_list.yaml). Every event served passes
// the room's history visibility for the requesting user (visibility/), and
// thread roots carry the m.thread bundled aggregation ("Server-side
// aggregation of m.thread relationships").
import { MatrixError } from '@weft/core';
import type { EventRow, RoomStore } from '../storage/ports/rooms.js';
import type { RelationsStore } from '../storage/ports/relations.js';
import { RelationParentIndex } from './RelationParentIndex.js';
import type { ClientEvent } from '../rooms/clientEvent.js';
import type { Viewer } from '../rooms/ClientEventSerializer.js';
import type { HistoryVisibilityService, RoomAccess } from '../visibility/HistoryVisibilityService.js';
import { eventRowInfo } from '../visibility/HistoryVisibilityService.js';
import { formatTimelineToken } from '../streams/tokens.js';
import { relationOf } from './relationOf.js';

export interface EventSerializer {
  serialize(rows: readonly EventRow[], viewer?: Viewer): Promise<ClientEvent[]>;
}

export interface RelationsServiceDeps {
  rooms: Pick<RoomStore, 'getEvent' | 'getEvents'>;
  relations: RelationsStore;
  visibility: HistoryVisibilityService;
  serializer: EventSerializer;
}

export interface RelationsQuery {
  relType?: string;
  eventType?: string;
  dir: 'b' | 'f';
  /** The `from` token as given (echoed as prev_batch) and its position. */
  from?: { token: string; pos: number };
  to?: number;
  limit: number;
  recurse: boolean;
}

export interface RelationsResponse {
  chunk: ClientEvent[];
  next_batch?: string;
  prev_batch?: string;
  recursion_depth?: number;
}

export interface ThreadsQuery {
  include: 'all' | 'participated';
  fromPos?: number;
  limit: number;
}

/** "Homeservers SHOULD traverse at least 3 levels of relationships" (relations.yaml `recurse`). */
export const RECURSION_DEPTH = 3;
/** NOTSPEC resource cap: a recursive listing expands at most this many parents (a page is still served). */
export const RECURSION_MAX_PARENTS = 10_000;

const notFound = () => new MatrixError(404, 'M_NOT_FOUND', 'Event not found');
const hasNul = (v: string) => v.includes('\u0000');

export class RelationsService {
  /** Event IDs of thread roots (events with at least one m.thread child), for the serializer's decorator. */
  readonly roots: RelationParentIndex;
  /** Event IDs of events with at least one m.replace child (edited, or targeted by an invalid edit). */
  readonly edited: RelationParentIndex;

  constructor(private readonly deps: RelationsServiceDeps) {
    this.roots = new RelationParentIndex(() => deps.relations.parentIds('m.thread'));
    this.edited = new RelationParentIndex(() => deps.relations.parentIds('m.replace'));
  }

  /** The rooms pipeline built an event with this relation (RoomPipeline.onRelation). */
  noteRelation(relType: string, parentId: string): void {
    if (relType === 'm.thread') this.roots.add(parentId);
    else if (relType === 'm.replace') this.edited.add(parentId);
  }

  /** The room access and the parent row, or 404 when unknown, elsewhere or invisible (relations.yaml 404). */
  private async visibleParent(userId: string, roomId: string, eventId: string): Promise<{ access: RoomAccess; parent: EventRow }> {
    let access: RoomAccess;
    try {
      access = await this.deps.visibility.roomAccess(userId, roomId);
    } catch {
      throw notFound();
    }
    const parent = hasNul(eventId) ? undefined : await this.deps.rooms.getEvent(eventId);
    if (!parent || parent.roomNid !== access.room.roomNid || !access.timeline.canSee(eventRowInfo(parent))) throw notFound();
    return { access, parent };
  }

  async relations(viewer: Viewer, roomId: string, eventId: string, q: RelationsQuery): Promise<RelationsResponse> {
    const { access, parent } = await this.visibleParent(viewer.userId, roomId, eventId);
    if ((q.relType !== undefined && hasNul(q.relType)) || (q.eventType !== undefined && hasNul(q.eventType))) return { chunk: [] };
    const roomNid = parent.roomNid;
    // recurse: the parent plus its descendants up to RECURSION_DEPTH - 1 levels
    // are the parents whose children are listed (so children reach depth 3).
    let parents = [parent.eventId];
    if (q.recurse) {
      const seen = new Set(parents);
      let frontier = parents;
      for (let depth = 1; depth < RECURSION_DEPTH && frontier.length > 0 && seen.size < RECURSION_MAX_PARENTS; depth++) {
        frontier = (await this.deps.relations.childIds(frontier, roomNid)).filter((id) => !seen.has(id)).slice(0, RECURSION_MAX_PARENTS - seen.size);
        for (const id of frontier) seen.add(id);
      }
      parents = [...seen];
    }
    const rows = await this.deps.relations.children(parents, {
      roomNid, dir: q.dir, limit: q.limit,
      ...(q.relType !== undefined ? { relType: q.relType } : {}),
      ...(q.eventType !== undefined ? { eventType: q.eventType } : {}),
      ...(q.from !== undefined ? { fromPos: q.from.pos } : {}),
      ...(q.to !== undefined ? { toPos: q.to } : {}),
    });
    const visible = rows.filter((r) => access.timeline.canSee(eventRowInfo(r)));
    const out: RelationsResponse = { chunk: await this.deps.serializer.serialize(visible, viewer) };
    // A full page may have more after it; the token resumes after its last row
    // (same token meaning as /messages: backwards reads stream_pos <= p, forwards > p).
    if (rows.length === q.limit && rows.length > 0) {
      const last = rows[rows.length - 1]!.streamPos;
      out.next_batch = formatTimelineToken(q.dir === 'b' ? last - 1 : last);
    }
    if (q.from !== undefined) out.prev_batch = q.from.token;
    if (q.recurse) out.recursion_depth = RECURSION_DEPTH;
    return out;
  }

  async threads(viewer: Viewer, roomId: string, q: ThreadsQuery): Promise<{ chunk: ClientEvent[]; next_batch?: string }> {
    // threads_list.yaml 403: "The user cannot view or peek on the room."
    const access = await this.deps.visibility.roomAccess(viewer.userId, roomId);
    const roomNid = access.room.roomNid;
    const summaries = await this.deps.relations.threads(roomNid, {
      limit: q.limit,
      ...(q.fromPos !== undefined ? { beforePos: q.fromPos } : {}),
      ...(q.include === 'participated' ? { participant: viewer.userId } : {}),
    });
    const roots = new Map<string, EventRow>();
    for (const r of await this.deps.rooms.getEvents(summaries.map((s) => s.rootId))) if (r.roomNid === roomNid) roots.set(r.eventId, r);
    const visibleRoots = summaries
      .map((s) => roots.get(s.rootId))
      .filter((r): r is EventRow => r !== undefined && r.redactedBy === null && access.timeline.canSee(eventRowInfo(r)));
    const chunk = await this.deps.serializer.serialize(visibleRoots, viewer);
    // The serializer's decorator (wired in main.ts) bundles m.thread already; do it here otherwise.
    const missing: number[] = [];
    chunk.forEach((ev, n) => {
      if (!(ev.unsigned['m.relations'] as Record<string, unknown> | undefined)?.['m.thread']) missing.push(n);
    });
    if (missing.length > 0) await this.bundle(visibleRoots, chunk, missing, viewer);
    const out: { chunk: ClientEvent[]; next_batch?: string } = { chunk };
    // Latest-activity order: the next page holds threads whose newest reply is older.
    if (summaries.length === q.limit) out.next_batch = formatTimelineToken(summaries[summaries.length - 1]!.latestPos);
    return out;
  }

  /**
   * The ClientEventSerializer's decorator: events of known thread roots get
   * unsigned["m.relations"]["m.thread"] = {latest_event, count,
   * current_user_participated} ("Server-side aggregation of m.thread
   * relationships"); edited events get unsigned["m.relations"]["m.replace"] = the
   * most recent valid replacement ("Server-side aggregation of m.replace
   * relationships"). Redacted events get neither. Costs two Set lookups per event
   * when no parent is among them.
   */
  readonly decorate = (rows: readonly EventRow[], events: ClientEvent[], viewer?: Viewer): Promise<void> | undefined => {
    if (!viewer) return undefined;
    const roots = this.roots.ready();
    const edited = this.edited.ready();
    if (roots || edited) return Promise.all([roots, edited]).then(() => this.decorate(rows, events, viewer));
    let threadIdx: number[] | undefined;
    let editIdx: number[] | undefined;
    for (let i = 0; i < rows.length; i++) {
      const r = rows[i]!;
      if (r.redactedBy !== null) continue;
      if (this.roots.has(r.eventId)) (threadIdx ??= []).push(i);
      if (this.edited.has(r.eventId)) (editIdx ??= []).push(i);
    }
    if (!threadIdx && !editIdx) return undefined;
    return (async () => {
      if (threadIdx) await this.bundle(rows, events, threadIdx, viewer);
      if (editIdx) await this.bundleEdits(rows, events, editIdx, viewer);
    })();
  };

  /** Adds the m.replace aggregation to events[i] for each i in idx that has a valid replacement the viewer may see. */
  private async bundleEdits(rows: readonly EventRow[], events: ClientEvent[], idx: readonly number[], viewer: Viewer): Promise<void> {
    for (const [roomNid, list] of groupByRoom(rows, idx)) {
      const candidates = await this.deps.relations.replacements(roomNid, list.map((i) => rows[i]!.eventId));
      if (candidates.length === 0) continue;
      const visible = await this.deps.visibility.filterVisibleEvents(viewer.userId, roomNid, candidates);
      const byParent = new Map<string, { row: EventRow; content: Record<string, unknown> }[]>();
      for (const row of visible) {
        const content = parseContent(row.json);
        const parentId = relationOf(content)?.relatesTo;
        if (parentId === undefined) continue;
        const list = byParent.get(parentId);
        if (list) list.push({ row, content });
        else byParent.set(parentId, [{ row, content }]);
      }
      const chosen: { i: number; row: EventRow }[] = [];
      for (const i of list) {
        let best: EventRow | undefined;
        for (const c of byParent.get(rows[i]!.eventId) ?? []) {
          if (!isValidReplacement(rows[i]!, events[i]!, c.row, c.content)) continue;
          if (best === undefined || isMoreRecent(c.row, best)) best = c.row;
        }
        if (best) chosen.push({ i, row: best });
      }
      if (chosen.length === 0) continue;
      const formatted = await this.deps.serializer.serialize(chosen.map((c) => c.row), viewer);
      chosen.forEach(({ i }, n) => {
        const ev = events[i]!;
        const relations = (ev.unsigned['m.relations'] as Record<string, unknown> | undefined) ?? {};
        ev.unsigned['m.relations'] = { ...relations, 'm.replace': formatted[n]! };
      });
    }
  }

  /** Adds the m.thread aggregation to events[i] for each i in idx (roots of any rooms). */
  private async bundle(rows: readonly EventRow[], events: ClientEvent[], idx: readonly number[], viewer: Viewer): Promise<void> {
    for (const [roomNid, list] of groupByRoom(rows, idx)) {
      const ids = list.map((i) => rows[i]!.eventId);
      const summaries = new Map((await this.deps.relations.threadSummaries(roomNid, ids)).map((s) => [s.rootId, s]));
      if (summaries.size === 0) continue;
      const withThreads = ids.filter((id) => summaries.has(id));
      const [latestRows, replied] = await Promise.all([
        this.deps.relations.eventsAt(withThreads.map((id) => summaries.get(id)!.latestPos)),
        this.deps.relations.repliedBy(roomNid, withThreads, viewer.userId),
      ]);
      // latest_event is served only when the user may see it (history visibility).
      const visibleLatest = await this.deps.visibility.filterVisibleEvents(viewer.userId, roomNid, latestRows);
      const formatted = await this.deps.serializer.serialize(visibleLatest, viewer);
      const latestByPos = new Map<number, ClientEvent>();
      visibleLatest.forEach((r, n) => latestByPos.set(r.streamPos, formatted[n]!));
      for (const i of list) {
        const row = rows[i]!;
        const s = summaries.get(row.eventId);
        if (!s) continue;
        const latest = latestByPos.get(s.latestPos);
        const ev = events[i]!;
        const relations = (ev.unsigned['m.relations'] as Record<string, unknown> | undefined) ?? {};
        ev.unsigned['m.relations'] = {
          ...relations,
          'm.thread': {
            ...(latest ? { latest_event: latest } : {}),
            count: s.count,
            current_user_participated: replied.has(row.eventId) || row.sender === viewer.userId,
          },
        };
      }
    }
  }
}

/** The indexes in idx grouped by their row's room. */
function groupByRoom(rows: readonly EventRow[], idx: readonly number[]): Map<number, number[]> {
  const byRoom = new Map<number, number[]>();
  for (const i of idx) {
    const list = byRoom.get(rows[i]!.roomNid);
    if (list) list.push(i);
    else byRoom.set(rows[i]!.roomNid, [i]);
  }
  return byRoom;
}

function parseContent(json: string): Record<string, unknown> {
  const content = (JSON.parse(json) as { content?: unknown }).content;
  return typeof content === 'object' && content !== null && !Array.isArray(content) ? (content as Record<string, unknown>) : {};
}

/**
 * client-server-api "Validity of replacement events": same sender and type as the
 * original, neither a state event, the original not itself an edit, and (unless
 * encrypted, when it is inside the ciphertext) an m.new_content object.
 */
function isValidReplacement(original: EventRow, originalEvent: ClientEvent, candidate: EventRow, content: Record<string, unknown>): boolean {
  if (candidate.sender !== original.sender || candidate.type !== original.type) return false;
  if (original.stateKey !== null || candidate.stateKey !== null) return false;
  if (relationOf(originalEvent.content)?.relType === 'm.replace') return false;
  if (candidate.type === 'm.room.encrypted') return true;
  const newContent = content['m.new_content'];
  return typeof newContent === 'object' && newContent !== null && !Array.isArray(newContent);
}

/** "The most recent event is determined by comparing origin_server_ts; … the lexicographically largest event_id." */
function isMoreRecent(a: EventRow, b: EventRow): boolean {
  return a.originServerTs !== b.originServerTs ? a.originServerTs > b.originServerTs : a.eventId > b.eventId;
}
