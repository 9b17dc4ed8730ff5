// unread_notifications from the user's push rules (client-server-api/modules/
// push.md "Receiving notifications": "Notifications are determined by the push
// rules which apply to an event"; "Marking notifications as read": the later of
// the m.read / m.read.private receipts). Events after that receipt (or the join)
// from others are evaluated against the user's ruleset at /sync time:
// notification_count counts those whose actions notify, highlight_count those
// that also highlight.
// Each event is evaluated once per (user, room, read position, ruleset): a tally
// per user and room remembers the counts up to the last position, so later syncs
// evaluate only newer events; a new receipt or a rules change starts it over.
// NOTSPEC: evaluated when first counted, with the room's member count and power
// levels at that time (Synapse evaluates at send time); at most MAX_EVALUATED
// newest events per evaluation (counts saturate there); events redacted before
// they are counted never count, later redactions do not decrement.
// Thread partitioning (unread_thread_notifications) is not done.
import {
  actionsHighlight, actionsNotify, findMatchingPushRule, roomVersionRules, userPowerLevel,
  type PushEvaluationContext, type PushRuleset, type RoomEvent,
} from '@weft/core';
import type { SqlDb } from '../storage/Database.js';
import type BetterSqlite3 from 'better-sqlite3';
import { KyselyPushReadStore } from '../storage/kysely/KyselyPushReadStore.js';
import { SqlitePushReadStore } from '../storage/kysely/pushSqliteReads.js';
import type { PushCandidateRow, PushReadStore, PushRoomContext } from '../storage/ports/push.js';
import type { UnreadCounter, UnreadCounts } from '../sync/ports.js';

export const MAX_EVALUATED = 500;

type Pdu = Record<string, unknown> & { content?: Record<string, unknown>; sender?: string };

function parse(json: string | undefined): Pdu | undefined {
  if (json === undefined) return undefined;
  try {
    const v = JSON.parse(json) as unknown;
    return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Pdu) : undefined;
  } catch {
    return undefined;
  }
}

/** Per-room evaluation context; the sender's power level is filled per event. */
export function roomEvaluator(ctx: PushRoomContext) {
  const create = parse(ctx.createJson);
  const pl = parse(ctx.powerLevelsJson);
  const member = parse(ctx.ownMemberJson);
  const rules = roomVersionRules(ctx.roomVersion);
  const lookup = (type: string, key: string): RoomEvent | undefined =>
    (type === 'm.room.create' && key === '' ? create : type === 'm.room.power_levels' && key === '' ? pl : undefined) as RoomEvent | undefined;
  const notifications = pl?.content?.notifications;
  const displayName = member?.content?.displayname;
  const base: PushEvaluationContext = {
    memberCount: ctx.joinedMemberCount,
    displayName: typeof displayName === 'string' ? displayName : null,
    notificationPowerLevels: typeof notifications === 'object' && notifications !== null ? (notifications as Record<string, unknown>) : {},
  };
  const levels = new Map<string, number | undefined>();
  return (sender: string): PushEvaluationContext => {
    if (!levels.has(sender)) levels.set(sender, rules ? userPowerLevel(sender, lookup, rules) : undefined);
    return { ...base, senderPowerLevel: levels.get(sender) };
  };
}

/** What was counted for one user in one room, to count only newer events next time. */
interface Tally {
  /** The lower bound used (max of join and read receipt); a new receipt starts over. */
  after: number;
  upto: number;
  ruleset: PushRuleset;
  counts: UnreadCounts;
}

const TALLY_MAX = 100_000;

export function pushUnreadCounter(store: PushReadStore, rulesetOf: (userId: string) => Promise<PushRuleset>): UnreadCounter {
  const tallies = new Map<string, Tally>();
  return async (userId, rooms, upto) => {
    const out = new Map<string, UnreadCounts>();
    if (rooms.length === 0) return out;
    const [readPos, rs] = await Promise.all([store.readPositions(userId, rooms.map((r) => r.roomId)), rulesetOf(userId)]);
    // Phase 1: each room's new unread events from others (one query per room with any, in parallel).
    const pending: { roomId: string; roomNid: number; rows: PushCandidateRow[]; tally: Tally; saturated: boolean }[] = [];
    await Promise.all(rooms.map(async (r) => {
      const after = Math.max(r.joinedAt, readPos.get(r.roomId) ?? 0);
      const key = `${userId}\u0000${r.roomId}`;
      const prev = tallies.get(key);
      let tally: Tally;
      if (prev && prev.after === after && prev.ruleset === rs && prev.upto <= upto) {
        tally = { ...prev, counts: { ...prev.counts } };
      } else {
        tally = { after, upto: after, ruleset: rs, counts: { highlight_count: 0, notification_count: 0 } };
      }
      if (tally.upto < upto) {
        const rows = await store.eventsFromOthers(r.roomNid, userId, tally.upto, upto, MAX_EVALUATED);
        const live = rows.filter((row) => row.redacted_by === null);
        if (live.length > 0) pending.push({ roomId: r.roomId, roomNid: r.roomNid, rows: live, tally, saturated: rows.length === MAX_EVALUATED });
      }
      tally.upto = upto;
      if (tallies.size >= TALLY_MAX) tallies.clear();
      tallies.set(key, tally);
      out.set(r.roomId, tally.counts);
    }));
    if (pending.length === 0) return snapshot(out);
    // Phase 2: the rooms' contexts (one round of queries for all rooms), then evaluate.
    const contexts = await store.roomContexts(pending.map((p) => p.roomNid), userId);
    for (const p of pending) {
      const ctx = contexts.get(p.roomNid);
      if (!ctx) continue;
      const counts = p.saturated ? { highlight_count: 0, notification_count: 0 } : p.tally.counts;
      const contextFor = roomEvaluator(ctx);
      for (const row of p.rows) {
        const ev = parse(row.json);
        if (!ev || typeof ev.sender !== 'string') continue;
        const match = findMatchingPushRule(p.tally.ruleset, ev, contextFor(ev.sender));
        if (!match || !actionsNotify(match.actions)) continue;
        counts.notification_count++;
        if (actionsHighlight(match.actions)) counts.highlight_count++;
      }
      // Saturated: more than MAX_EVALUATED new events; the newest ones stand for the whole count.
      if (p.saturated) Object.assign(p.tally.counts, counts);
    }
    return snapshot(out);
  };
}

/** Copies, so callers never hold a tally's live counters. */
function snapshot(m: Map<string, UnreadCounts>): Map<string, UnreadCounts> {
  return new Map([...m].map(([k, v]) => [k, { ...v }]));
}

/** The composition root's one-liner: the counter over the rooms tables with the user's ruleset. */
export function createPushUnreadCounter(
  db: SqlDb, rulesetOf: (userId: string) => Promise<PushRuleset>, sqliteConnection?: unknown,
): UnreadCounter {
  const store = sqliteConnection ? new SqlitePushReadStore(db, sqliteConnection as BetterSqlite3.Database) : new KyselyPushReadStore(db);
  return pushUnreadCounter(store, rulesetOf);
}
