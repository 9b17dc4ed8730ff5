// POST /v3/search (search.yaml, client-server-api "Server Side Search"): the
// room_events category over the rooms the user is joined to (narrowed by the
// filter), words matched as prefixes in content.body / content.name /
// content.topic, ordered by rank or recency, each result passing history
// visibility and the ignore list; optional event context (with profiles) and
// room state. NOTSPEC: `groupings` are not computed (the response has no
// `groups`); encrypted rooms are searched by clients, not here.
import { MatrixError } from '@weft/core';
import type { EventRow, RoomStore } from '../storage/ports/rooms.js';
import type { RoomReadStore } from '../storage/ports/roomReads.js';
import type { SearchKey, SearchStore } from '../storage/ports/search.js';
import type { ClientEvent } from '../rooms/clientEvent.js';
import type { Viewer } from '../rooms/ClientEventSerializer.js';
import type { HistoryVisibilityService } from '../visibility/HistoryVisibilityService.js';
import { eventRowInfo } from '../visibility/HistoryVisibilityService.js';
import { eventMatches, roomIncluded, validateRoomEventFilter, type RoomEventFilter } from '../sync/Filter.js';
import { paginate } from '../client-api/events/paginate.js';
import { formatTimelineToken } from '../streams/tokens.js';
import { isObject, type JsonObject } from '../http/validate.js';
import type { SearchIndexer } from './SearchIndexer.js';

export interface RoomSearchDeps {
  store: SearchStore;
  indexer: SearchIndexer;
  rooms: Pick<RoomStore, 'roomsForUser' | 'getRoom' | 'getEvents' | 'currentStateEvents'>;
  reads: RoomReadStore;
  visibility: HistoryVisibilityService;
  serializer: { serialize(rows: readonly EventRow[], viewer?: Viewer): Promise<ClientEvent[]> };
  currentPos: () => number;
  ignoredUsers?: (userId: string) => Promise<ReadonlySet<string>>;
}

const ALL_KEYS: readonly SearchKey[] = ['content.body', 'content.name', 'content.topic'];
const DEFAULT_LIMIT = 10;
const MAX_LIMIT = 100;
const MAX_WORDS = 20;
const MAX_CONTEXT = 20;

type Json = Record<string, unknown>;

const invalid = (msg: string) => new MatrixError(400, 'M_INVALID_PARAM', msg);

export class RoomSearch {
  constructor(private readonly deps: RoomSearchDeps) {}

  async search(viewer: Viewer, body: JsonObject, nextBatch: string | undefined): Promise<Json> {
    const categories = body.search_categories;
    if (categories === undefined) throw new MatrixError(400, 'M_MISSING_PARAM', 'Missing parameter: search_categories');
    if (!isObject(categories)) throw new MatrixError(400, 'M_BAD_JSON', 'search_categories must be an object');
    const re = categories.room_events;
    if (re === undefined) return { search_categories: {} };
    if (!isObject(re)) throw new MatrixError(400, 'M_BAD_JSON', 'room_events must be an object');
    const q = parseRoomEvents(re);
    return { search_categories: { room_events: await this.roomEvents(viewer, q, nextBatch) } };
  }

  private async roomEvents(viewer: Viewer, q: RoomEventsCriteria, nextBatch: string | undefined): Promise<Json> {
    const { deps } = this;
    const words = [...new Set(q.term.toLowerCase().split(/[^\p{L}\p{N}_]+/u).filter((w) => w.length > 0))].slice(0, MAX_WORDS);
    const page = parseNextBatch(nextBatch, q.order);
    const joined = (await deps.rooms.roomsForUser(viewer.userId, ['join'])).filter((m) => roomIncluded(q.filter, m.roomId));
    const rooms = (await Promise.all(joined.map((m) => deps.rooms.getRoom(m.roomId)))).filter((r) => r !== undefined);
    const roomIdOf = new Map(rooms.map((r) => [r.roomNid, r.roomId]));
    const limit = Math.min(q.filter?.limit ?? DEFAULT_LIMIT, MAX_LIMIT);
    // Everything acknowledged before this request is findable.
    await deps.indexer.catchUp();
    const { hits, count } = await deps.store.search({
      words, roomNids: [...roomIdOf.keys()], keys: q.keys, order: q.order, limit,
      ...(page.beforePos !== undefined ? { beforePos: page.beforePos } : {}),
      ...(page.offset !== undefined ? { offset: page.offset } : {}),
    });

    const byId = new Map((await deps.rooms.getEvents(hits.map((h) => h.eventId))).map((r) => [r.eventId, r]));
    const ignored = deps.ignoredUsers ? await deps.ignoredUsers(viewer.userId) : new Set<string>();
    const timelines = new Map<number, Awaited<ReturnType<HistoryVisibilityService['timeline']>>>();
    const kept: { row: EventRow; rank: number }[] = [];
    for (const h of hits) {
      const row = byId.get(h.eventId);
      if (!row || ignored.has(row.sender)) continue;
      if (!eventMatches(q.filter, { type: row.type, sender: row.sender, room_id: roomIdOf.get(row.roomNid)! })) continue;
      let timeline = timelines.get(row.roomNid);
      if (!timeline) timelines.set(row.roomNid, (timeline = await deps.visibility.timeline(row.roomNid, viewer.userId)));
      if (timeline.canSee(eventRowInfo(row))) kept.push({ row, rank: h.rank });
    }
    const events = await deps.serializer.serialize(kept.map((k) => k.row), viewer);
    const results: Json[] = [];
    for (let i = 0; i < kept.length; i++) {
      const result: Json = { rank: kept[i]!.rank, result: events[i] };
      if (q.context) result.context = await this.context(viewer, kept[i]!.row, roomIdOf.get(kept[i]!.row.roomNid)!, q.context, timelines.get(kept[i]!.row.roomNid)!, ignored);
      results.push(result);
    }

    const out: Json = { count, highlights: words, results };
    if (hits.length === limit) {
      out.next_batch = q.order === 'recent' ? `r${hits[hits.length - 1]!.streamPos}` : `k${(page.offset ?? 0) + hits.length}`;
    }
    if (q.includeState) {
      const state: Json = {};
      for (const roomNid of new Set(kept.map((k) => k.row.roomNid))) {
        state[roomIdOf.get(roomNid)!] = await deps.serializer.serialize(await deps.rooms.currentStateEvents(roomNid), viewer);
      }
      out.state = state;
    }
    return out;
  }

  /** search.yaml event_context: events before and after the result, tokens, and optionally the senders' profiles then. */
  private async context(
    viewer: Viewer, row: EventRow, roomId: string, c: ContextCriteria,
    timeline: Awaited<ReturnType<HistoryVisibilityService['timeline']>>, ignored: ReadonlySet<string>,
  ): Promise<Json> {
    const { deps } = this;
    const common = { roomNid: row.roomNid, roomId, to: null, upto: deps.currentPos(), filter: undefined, timeline, ignored };
    const [before, after] = await Promise.all([
      paginate(deps.reads, { ...common, dir: 'b', from: row.streamPos - 1, limit: c.before }),
      paginate(deps.reads, { ...common, dir: 'f', from: row.streamPos, limit: c.after }),
    ]);
    const [eventsBefore, eventsAfter] = await Promise.all([deps.serializer.serialize(before.rows, viewer), deps.serializer.serialize(after.rows, viewer)]);
    const out: Json = {
      start: formatTimelineToken(before.cursor),
      end: formatTimelineToken(after.cursor),
      events_before: eventsBefore,
      events_after: eventsAfter,
    };
    if (c.includeProfile) {
      const senders = [...new Set([row, ...before.rows, ...after.rows].map((r) => r.sender))];
      const members = await deps.reads.stateEventsAt(row.roomNid, row.streamPos, 'm.room.member', senders);
      const profiles: Json = {};
      for (const m of members) {
        const content = ((JSON.parse(m.json) as { content?: Json }).content ?? {});
        const p: Json = {};
        if (typeof content.displayname === 'string') p.displayname = content.displayname;
        if (typeof content.avatar_url === 'string') p.avatar_url = content.avatar_url;
        profiles[m.stateKey!] = p;
      }
      out.profile_info = profiles;
    }
    return out;
  }
}

interface ContextCriteria {
  before: number;
  after: number;
  includeProfile: boolean;
}

interface RoomEventsCriteria {
  term: string;
  keys: readonly SearchKey[];
  order: 'rank' | 'recent';
  filter: RoomEventFilter | undefined;
  context: ContextCriteria | undefined;
  includeState: boolean;
}

function parseRoomEvents(re: JsonObject): RoomEventsCriteria {
  const term = re.search_term;
  if (term === undefined) throw new MatrixError(400, 'M_MISSING_PARAM', 'Missing parameter: search_term');
  if (typeof term !== 'string') throw new MatrixError(400, 'M_BAD_JSON', 'search_term must be a string');
  let keys: readonly SearchKey[] = ALL_KEYS;
  if (re.keys !== undefined) {
    if (!Array.isArray(re.keys) || !re.keys.every((k) => typeof k === 'string' && (ALL_KEYS as readonly string[]).includes(k))) {
      throw invalid(`keys must be a list of ${ALL_KEYS.join(', ')}`);
    }
    keys = re.keys as SearchKey[];
  }
  const order = re.order_by ?? 'rank';
  if (order !== 'rank' && order !== 'recent') throw invalid('order_by must be rank or recent');
  const filter = re.filter === undefined || re.filter === null ? undefined : validateRoomEventFilter(re.filter, 'filter');
  let context: ContextCriteria | undefined;
  if (re.event_context !== undefined && re.event_context !== null) {
    if (!isObject(re.event_context)) throw new MatrixError(400, 'M_BAD_JSON', 'event_context must be an object');
    const ec = re.event_context;
    context = {
      before: contextLimit(ec.before_limit, 'before_limit'),
      after: contextLimit(ec.after_limit, 'after_limit'),
      includeProfile: ec.include_profile === true,
    };
  }
  if (re.include_state !== undefined && typeof re.include_state !== 'boolean') throw new MatrixError(400, 'M_BAD_JSON', 'include_state must be a boolean');
  return { term, keys, order, filter, context, includeState: re.include_state === true };
}

function contextLimit(v: unknown, name: string): number {
  if (v === undefined) return 5;
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 0) throw invalid(`${name} must be a non-negative integer`);
  return Math.min(v, MAX_CONTEXT);
}

/** next_batch: r<pos> (order recent: results below that position) or k<n> (order rank: skip n). */
function parseNextBatch(token: string | undefined, order: 'rank' | 'recent'): { beforePos?: number; offset?: number } {
  if (token === undefined || token === '') return {};
  const m = /^([rk])(\d{1,15})$/.exec(token);
  if (!m || (m[1] === 'r') !== (order === 'recent')) throw invalid('next_batch is not a token of this search');
  return m[1] === 'r' ? { beforePos: Number(m[2]) } : { offset: Number(m[2]) };
}
