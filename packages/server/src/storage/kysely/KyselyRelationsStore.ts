// RelationsStore over Kysely (both engines): event_relations joined with events.
import { sql, type Kysely } from 'kysely';
import type { SqlDb } from '../Database.js';
import type { EventRow } from '../ports/rooms.js';
import type { ChildrenQuery, RelationsStore, ThreadSummaryRow } from '../ports/relations.js';
import { EVENT_COLUMNS, toEventRow, type JoinedEventRow, type RoomTables } from './KyselyRoomStore.js';

/** Parents per IN list (far below both engines' parameter limits). */
const CHUNK = 500;

export class KyselyRelationsStore implements RelationsStore {
  private readonly db: Kysely<RoomTables>;
  constructor(db: SqlDb) {
    this.db = db as Kysely<RoomTables>;
  }

  async children(parentIds: readonly string[], q: ChildrenQuery): Promise<EventRow[]> {
    if (parentIds.length <= CHUNK) return this.childrenChunk(parentIds, q);
    // Many parents (recurse): each chunk's first `limit`, merged in `dir` order.
    const all: EventRow[] = [];
    for (let i = 0; i < parentIds.length; i += CHUNK) all.push(...(await this.childrenChunk(parentIds.slice(i, i + CHUNK), q)));
    all.sort((a, b) => (q.dir === 'b' ? b.streamPos - a.streamPos : a.streamPos - b.streamPos));
    return all.slice(0, q.limit);
  }

  private async childrenChunk(parentIds: readonly string[], q: ChildrenQuery): Promise<EventRow[]> {
    if (parentIds.length === 0) return [];
    let s = this.db
      .selectFrom('event_relations as rel')
      .innerJoin('events as e', 'e.event_nid', 'rel.event_nid')
      .innerJoin('rooms as r', 'r.room_nid', 'e.room_nid')
      .select(EVENT_COLUMNS)
      .where('rel.relates_to_id', 'in', parentIds)
      .where('rel.room_nid', '=', q.roomNid)
      .where('e.redacted_by', 'is', null);
    if (q.relType !== undefined) s = s.where('rel.rel_type', '=', q.relType);
    if (q.eventType !== undefined) s = s.where('e.type', '=', q.eventType);
    if (q.dir === 'b') {
      if (q.fromPos !== undefined) s = s.where('rel.stream_pos', '<=', q.fromPos);
      if (q.toPos !== undefined) s = s.where('rel.stream_pos', '>', q.toPos);
    } else {
      if (q.fromPos !== undefined) s = s.where('rel.stream_pos', '>', q.fromPos);
      if (q.toPos !== undefined) s = s.where('rel.stream_pos', '<=', q.toPos);
    }
    const rows = await s.orderBy('rel.stream_pos', q.dir === 'b' ? 'desc' : 'asc').limit(q.limit).execute();
    return rows.map((r) => toEventRow(r as JoinedEventRow));
  }

  async childIds(parentIds: readonly string[], roomNid: number): Promise<string[]> {
    const out: string[] = [];
    for (let i = 0; i < parentIds.length; i += CHUNK) {
      const rows = await this.db
        .selectFrom('event_relations as rel')
        .innerJoin('events as e', 'e.event_nid', 'rel.event_nid')
        .select('e.event_id')
        .where('rel.relates_to_id', 'in', parentIds.slice(i, i + CHUNK))
        .where('rel.room_nid', '=', roomNid)
        .where('e.redacted_by', 'is', null)
        .execute();
      for (const r of rows) out.push(r.event_id);
    }
    return out;
  }

  private threadQuery(roomNid: number) {
    return this.db
      .selectFrom('event_relations as rel')
      .innerJoin('events as e', 'e.event_nid', 'rel.event_nid')
      .select((eb) => ['rel.relates_to_id', eb.fn.max('rel.stream_pos').as('latest'), eb.fn.countAll().as('n')])
      .where('rel.room_nid', '=', roomNid)
      .where('rel.rel_type', '=', 'm.thread')
      .where('e.redacted_by', 'is', null)
      .groupBy('rel.relates_to_id');
  }

  async threads(roomNid: number, q: { beforePos?: number; limit: number; participant?: string }): Promise<ThreadSummaryRow[]> {
    let s = this.threadQuery(roomNid);
    if (q.beforePos !== undefined) s = s.having((eb) => eb(eb.fn.max('rel.stream_pos'), '<', q.beforePos!));
    if (q.participant !== undefined) {
      const user = q.participant;
      // client-server-api "Server-side aggregation of m.thread relationships":
      // the user participated if they sent the root or a reply.
      s = s.having((eb) =>
        eb.or([
          eb(eb.fn.max(sql<number>`case when e.sender = ${user} then 1 else 0 end`), '=', 1),
          eb.exists(
            eb.selectFrom('events as root').select(sql<number>`1`.as('one'))
              .whereRef('root.event_id', '=', 'rel.relates_to_id').where('root.sender', '=', user),
          ),
        ]),
      );
    }
    const rows = await s.orderBy('latest', 'desc').limit(q.limit).execute();
    return rows.map(toSummary);
  }

  async threadSummaries(roomNid: number, rootIds: readonly string[]): Promise<ThreadSummaryRow[]> {
    if (rootIds.length === 0) return [];
    const rows = await this.threadQuery(roomNid).where('rel.relates_to_id', 'in', rootIds.slice(0, CHUNK)).execute();
    return rows.map(toSummary);
  }

  async repliedBy(roomNid: number, rootIds: readonly string[], userId: string): Promise<Set<string>> {
    if (rootIds.length === 0) return new Set();
    const rows = await this.db
      .selectFrom('event_relations as rel')
      .innerJoin('events as e', 'e.event_nid', 'rel.event_nid')
      .select('rel.relates_to_id')
      .distinct()
      .where('rel.room_nid', '=', roomNid)
      .where('rel.rel_type', '=', 'm.thread')
      .where('rel.relates_to_id', 'in', rootIds.slice(0, CHUNK))
      .where('e.sender', '=', userId)
      .where('e.redacted_by', 'is', null)
      .execute();
    return new Set(rows.map((r) => r.relates_to_id));
  }

  async parentIds(relType: string): Promise<string[]> {
    const rows = await this.db.selectFrom('event_relations').select('relates_to_id').distinct().where('rel_type', '=', relType).execute();
    return rows.map((r) => r.relates_to_id);
  }

  async replacements(roomNid: number, parentIds: readonly string[]): Promise<EventRow[]> {
    if (parentIds.length === 0) return [];
    const rows = await this.db
      .selectFrom('event_relations as rel')
      .innerJoin('events as e', 'e.event_nid', 'rel.event_nid')
      .innerJoin('rooms as r', 'r.room_nid', 'e.room_nid')
      .select(EVENT_COLUMNS)
      .where('rel.relates_to_id', 'in', parentIds.slice(0, CHUNK))
      .where('rel.room_nid', '=', roomNid)
      .where('rel.rel_type', '=', 'm.replace')
      .where('e.redacted_by', 'is', null)
      .execute();
    return rows.map((r) => toEventRow(r as JoinedEventRow));
  }

  async eventsAt(positions: readonly number[]): Promise<EventRow[]> {
    if (positions.length === 0) return [];
    const rows = await this.db
      .selectFrom('events as e')
      .innerJoin('rooms as r', 'r.room_nid', 'e.room_nid')
      .select(EVENT_COLUMNS)
      .where('e.stream_pos', 'in', positions.slice(0, CHUNK))
      .execute();
    return rows.map((r) => toEventRow(r as JoinedEventRow));
  }
}

function toSummary(r: { relates_to_id: string; latest: unknown; n: unknown }): ThreadSummaryRow {
  return { rootId: r.relates_to_id, latestPos: Number(r.latest), count: Number(r.n) };
}
