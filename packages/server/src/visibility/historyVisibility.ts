// History visibility rules (client-server-api "Room History Visibility",
// modules/history_visibility.md, "Server behaviour"), as pure functions over a
// user's visibility timeline in one room: their own m.room.member events and
// the room's m.room.history_visibility events, in stream order.
//
// "The state of the room at that event" is the state BEFORE the event (its
// prev state); the spec's two exceptions — history_visibility events and the
// user's own membership events — are also allowed when the state AFTER the
// event would allow them.
import type { VisibilityChangeRow } from '../storage/ports/roomReads.js';

export type HistoryVisibility = 'world_readable' | 'shared' | 'invited' | 'joined';

const KNOWN = new Set<string>(['world_readable', 'shared', 'invited', 'joined']);

/** "If no history_visibility is set, or if the value is not understood, the visibility is assumed to be shared." */
export function parseHistoryVisibility(v: unknown): HistoryVisibility {
  return typeof v === 'string' && KNOWN.has(v) ? (v as HistoryVisibility) : 'shared';
}

/** What the rules look at of an event. */
export interface VisibilityEventInfo {
  streamPos: number;
  type: string;
  stateKey: string | null;
  /** content.membership for m.room.member events. */
  membership: string | null;
  /** The event's content.history_visibility, only read for m.room.history_visibility events. */
  historyVisibility?: () => unknown;
}

/** A user's visibility timeline in one room, ready for many lookups. */
export class VisibilityTimeline {
  private readonly memberPos: number[] = [];
  private readonly memberValue: (string | null)[] = [];
  private readonly hvPos: number[] = [];
  private readonly hvValue: HistoryVisibility[] = [];
  /** Stream position of the user's latest join (−∞ when never joined). */
  private readonly lastJoinPos: number;
  /** Every change position (member and history_visibility events), ascending. */
  private readonly points: number[];

  constructor(readonly userId: string, changes: readonly VisibilityChangeRow[]) {
    let lastJoin = -Infinity;
    for (const c of changes) {
      if (c.type === 'm.room.history_visibility') {
        this.hvPos.push(c.streamPos);
        this.hvValue.push(parseHistoryVisibility(c.historyVisibility));
      } else {
        this.memberPos.push(c.streamPos);
        this.memberValue.push(c.membership);
        if (c.membership === 'join') lastJoin = Math.max(lastJoin, c.streamPos);
      }
    }
    this.lastJoinPos = lastJoin;
    this.points = [...new Set([...this.memberPos, ...this.hvPos])].sort((x, y) => x - y);
  }

  /** The user's membership just before position `pos` (null when none). */
  membershipBefore(pos: number): string | null {
    const i = lastBelow(this.memberPos, pos);
    return i < 0 ? null : this.memberValue[i]!;
  }

  /** The history visibility just before position `pos`. */
  visibilityBefore(pos: number): HistoryVisibility {
    const i = lastBelow(this.hvPos, pos);
    return i < 0 ? 'shared' : this.hvValue[i]!;
  }

  /** The visibility in force after every event (for room-level checks such as peeking). */
  currentVisibility(): HistoryVisibility {
    return this.hvValue.length === 0 ? 'shared' : this.hvValue[this.hvValue.length - 1]!;
  }

  /**
   * The highest stream position that can hold an event the user may see
   * (Infinity when unbounded). After both the user's last membership change and
   * the last history_visibility change, every event is judged by the same
   * membership and visibility: if that membership is not join or invite and the
   * visibility is not world_readable, nothing there is visible ("no events
   * received after they left"), so readers can stop scanning at that point.
   */
  visibleUpto(): number {
    const n = this.memberPos.length;
    const last = n === 0 ? null : this.memberValue[n - 1];
    if (last === 'join' || last === 'invite' || this.currentVisibility() === 'world_readable') return Infinity;
    const lastMember = n === 0 ? -1 : this.memberPos[n - 1]!;
    const lastHv = this.hvPos.length === 0 ? -1 : this.hvPos[this.hvPos.length - 1]!;
    return Math.max(lastMember, lastHv);
  }

  /**
   * Between two consecutive change positions, the user's membership, the
   * visibility and "joined after" are all constant, so every ordinary event
   * there is visible or none is. True when events strictly inside the
   * interval that contains position p (not itself a change position) are visible.
   */
  private intervalVisible(p: number): boolean {
    return this.allowed(this.visibilityBefore(p), this.membershipBefore(p), p);
  }

  /**
   * For a backwards scan of positions <= upper: the highest position <= upper
   * that may hold a visible event (upper itself when it may), or −1 when none.
   * Jumps over invisible stretches so paging never reads them.
   */
  skipBackward(upper: number): number {
    let u = upper;
    for (;;) {
      if (u < 0) return -1;
      const i = lastBelow(this.points, u + 1); // last change position <= u
      if (i >= 0 && this.points[i] === u) return u; // a change event: judged one by one
      if (this.intervalVisible(u)) return u;
      if (i < 0) return -1;
      u = this.points[i]!;
    }
  }

  /**
   * For a forwards scan of positions > lower: the largest lower bound >= lower
   * such that no visible event is skipped (lower itself when the next position
   * may be visible), or Infinity when nothing later is visible.
   */
  skipForward(lower: number): number {
    let l = lower;
    for (;;) {
      const next = l + 1;
      const i = lastBelow(this.points, next + 1); // last change position <= next
      if (i >= 0 && this.points[i] === next) return l;
      if (this.intervalVisible(next)) return l;
      if (i + 1 >= this.points.length) return Infinity;
      l = this.points[i + 1]! - 1;
    }
  }

  /** The last change position <= pos (where visibility may change), or null. */
  lastChangeAtOrBelow(pos: number): number | null {
    const i = lastBelow(this.points, pos + 1);
    return i < 0 ? null : this.points[i]!;
  }

  /** The first change position > pos, or null. */
  firstChangeAbove(pos: number): number | null {
    const i = lastBelow(this.points, pos + 1) + 1;
    return i < this.points.length ? this.points[i]! : null;
  }

  /** The spec's algorithm for one event. */
  canSee(e: VisibilityEventInfo): boolean {
    const membership = this.membershipBefore(e.streamPos);
    const visibility = this.visibilityBefore(e.streamPos);
    if (this.allowed(visibility, membership, e.streamPos)) return true;
    if (e.type === 'm.room.history_visibility' && e.stateKey === '') {
      // "allowed ... if the history_visibility before or after the event would allow them".
      return this.allowed(parseHistoryVisibility(e.historyVisibility?.()), membership, e.streamPos);
    }
    if (e.type === 'm.room.member' && e.stateKey === this.userId) {
      // "their membership before or after the event".
      return this.allowed(visibility, e.membership, e.streamPos);
    }
    return false;
  }

  private allowed(visibility: HistoryVisibility, membership: string | null, pos: number): boolean {
    // 1. world_readable: allow.
    if (visibility === 'world_readable') return true;
    // 2. membership join: allow.
    if (membership === 'join') return true;
    // 3. shared, and the user joined the room at any point after the event was sent.
    if (visibility === 'shared' && this.lastJoinPos > pos) return true;
    // 4. invited, and membership invite.
    if (visibility === 'invited' && membership === 'invite') return true;
    // 5. deny.
    return false;
  }
}

/** Index of the last element < x in an ascending array, or −1. */
function lastBelow(sorted: readonly number[], x: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (sorted[mid]! < x) lo = mid + 1;
    else hi = mid;
  }
  return lo - 1;
}
