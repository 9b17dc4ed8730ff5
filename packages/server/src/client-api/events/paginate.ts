// The scan behind /messages and /context: walks a room's timeline from a
// token position in one direction, keeping the events that pass the filter and
// history visibility, until `limit` are kept, the range ends, or a scan budget
// is spent (so a page of a huge invisible stretch still answers quickly — the
// returned token resumes the scan; "an empty chunk does not necessarily imply
// that no more events are available", message_pagination.yaml).
//
// Tokens (streams/tokens.ts): t<p> is the point just after the event at p;
// backwards from p returns stream_pos <= p, forwards returns stream_pos > p.
import type { EventRow } from '../../storage/ports/rooms.js';
import type { RoomReadStore } from '../../storage/ports/roomReads.js';
import { eventMatches, type RoomEventFilter } from '../../sync/Filter.js';
import type { VisibilityTimeline } from '../../visibility/historyVisibility.js';
import { eventRowInfo } from '../../visibility/HistoryVisibilityService.js';
import { hiddenByIgnore } from '../../visibility/ignoredUsers.js';

/** Rows looked at per request at most, whatever the filter throws away. */
export const MAX_SCANNED_ROWS = 5000;

export interface PageRequest {
  roomNid: number;
  roomId: string;
  dir: 'b' | 'f';
  /** Token position to start from. */
  from: number;
  /** Token position to stop at (b: keeps stream_pos > to; f: keeps stream_pos <= to). */
  to: number | null;
  /** Upper bound of what exists for readers (the generator's current position). */
  upto: number;
  limit: number;
  filter: RoomEventFilter | undefined;
  timeline: VisibilityTimeline;
  /** Senders the user ignores (their non-state events are left out). */
  ignored?: ReadonlySet<string>;
}

export interface Page {
  /** Kept events in the direction's order (b: newest first). */
  rows: EventRow[];
  /** Token position where the scan stopped (continue from here). */
  cursor: number;
  /** False when the range is known to hold no more events. */
  more: boolean;
}

export async function paginate(reads: RoomReadStore, req: PageRequest): Promise<Page> {
  const rows: EventRow[] = [];
  const back = req.dir === 'b';
  // The range still to scan, as (lower exclusive, upper inclusive] bounds.
  let upper = back ? Math.min(req.from, req.upto) : Math.min(req.to ?? req.upto, req.upto);
  let lower = back ? (req.to ?? null) : req.from;
  const cursor = () => Math.max(0, back ? upper : lower!);
  if (lower !== null && lower >= upper) return { rows, cursor: req.from, more: false };
  if (req.limit <= 0) return { rows, cursor: req.from, more: true };
  let scanned = 0;
  const t = req.timeline;
  // Whether any position in the remaining range may hold a visible event.
  const remains = () => (back ? t.skipBackward(upper) >= 0 && (lower === null || lower < t.skipBackward(upper)) : Math.min(t.skipForward(lower!), upper) < upper);
  while (rows.length < req.limit && scanned < MAX_SCANNED_ROWS) {
    // Jump over stretches the user may not see (history visibility) without reading them.
    if (back) upper = t.skipBackward(upper);
    else lower = Math.min(t.skipForward(lower!), upper);
    if ((lower !== null && lower >= upper) || upper < 0) return { rows, cursor: cursor(), more: false };
    // Read one segment at a time: up to the next change of membership or
    // visibility, after which the next stretch may be skippable.
    let segLower = lower;
    let segUpper = upper;
    if (back) {
      const c = t.lastChangeAtOrBelow(upper);
      if (c !== null && (segLower === null || c - 1 > segLower)) segLower = c - 1;
    } else {
      const c = t.firstChangeAbove(lower!);
      if (c !== null && c < segUpper) segUpper = c;
    }
    const want = Math.min(Math.max(req.limit - rows.length + 1, 20), 1000);
    const batch = back ? await reads.eventsDesc(req.roomNid, segUpper, segLower, want) : await reads.eventsAsc(req.roomNid, segLower!, segUpper, want);
    scanned += batch.length;
    for (let i = 0; i < batch.length; i++) {
      const row = batch[i]!;
      if (back) upper = row.streamPos - 1;
      else lower = row.streamPos;
      if (keep(row, req)) rows.push(row);
      if (rows.length >= req.limit && (i < batch.length - 1 || batch.length === want)) {
        return { rows, cursor: cursor(), more: true };
      }
    }
    if (batch.length < want) {
      // The segment is read to its end.
      if (back) upper = segLower ?? -1;
      else lower = segUpper;
      if (rows.length >= req.limit) return { rows, cursor: cursor(), more: remains() };
    }
  }
  return { rows, cursor: cursor(), more: remains() };
}

function keep(row: EventRow, req: PageRequest): boolean {
  if (req.ignored && hiddenByIgnore(req.ignored, row)) return false;
  if (req.filter && !eventMatches(req.filter, {
    type: row.type, sender: row.sender, room_id: req.roomId,
    // A redacted event is served without its url, so it must not match contains_url: true.
    content: req.filter.contains_url !== undefined ? (row.redactedBy ? {} : (JSON.parse(row.json) as { content?: unknown }).content) : undefined,
  })) return false;
  return req.timeline.canSee(eventRowInfo(row));
}
