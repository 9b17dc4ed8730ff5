// Storage port of the relations area: reads over event_relations (written by
// the rooms area's persister with each event) joined with events. Redacted
// children are never returned or counted.
import type { EventRow } from './rooms.js';

export interface ChildrenQuery {
  roomNid: number;
  relType?: string;
  eventType?: string;
  dir: 'b' | 'f';
  /** b: stream_pos <= fromPos; f: stream_pos > fromPos. */
  fromPos?: number;
  /** b: stream_pos > toPos; f: stream_pos <= toPos. */
  toPos?: number;
  limit: number;
}

export interface ThreadSummaryRow {
  rootId: string;
  /** Stream position of the newest reply. */
  latestPos: number;
  count: number;
}

export interface RelationsStore {
  /** Direct children of these parents in the room, in `dir` order, at most `limit`. */
  children(parentIds: readonly string[], q: ChildrenQuery): Promise<EventRow[]>;
  /** IDs of the direct children of these parents in the room (for recursion). */
  childIds(parentIds: readonly string[], roomNid: number): Promise<string[]>;
  /**
   * Thread roots of the room by latest activity, newest first: those whose newest
   * reply is below `beforePos`; `participant` keeps threads the user started or replied to.
   */
  threads(roomNid: number, q: { beforePos?: number; limit: number; participant?: string }): Promise<ThreadSummaryRow[]>;
  /** Summaries of these thread roots (absent when a root has no replies); at most 500 roots (a page). */
  threadSummaries(roomNid: number, rootIds: readonly string[]): Promise<ThreadSummaryRow[]>;
  /** Which of these roots the user replied to. */
  repliedBy(roomNid: number, rootIds: readonly string[], userId: string): Promise<Set<string>>;
  /** Every event ID with at least one child of this relation type (a parent index's start-up load). */
  parentIds(relType: string): Promise<string[]>;
  /** The unredacted m.replace children of these parents in the room (at most 500 parents: a page). */
  replacements(roomNid: number, parentIds: readonly string[]): Promise<EventRow[]>;
  /** Events by stream position (the latest replies). */
  eventsAt(positions: readonly number[]): Promise<EventRow[]>;
}
