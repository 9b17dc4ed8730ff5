// unread_notifications from the user's push rules (client-server-api/modules/
// push.md "Receiving notifications": "Notifications are determined by the push
// rules which apply to an event"; "Marking notifications as read": the later of
// the m.read / m.read.private receipts). Events after that receipt (or the join)
// from others are evaluated against the user's ruleset at /sync time:
// notification_count counts those whose actions notify, highlight_count those
// that also highlight.
// NOTSPEC: evaluated at read time with the room's *current* member count and
// power levels (not as of each event), at most MAX_EVALUATED newest unread events
// per room (counts saturate there), and redacted events never count.
// Thread partitioning (unread_thread_notifications) is not done.
import {
  actionsHighlight, actionsNotify, findMatchingPushRule, roomVersionRules, userPowerLevel,
  type PushEvaluationContext, type PushRuleset, type RoomEvent,
} from '@weft/core';
import type { SqlDb } from '../storage/Database.js';
import { KyselyPushReadStore } from '../storage/kysely/KyselyPushReadStore.js';
import type { PushReadStore, PushRoomContext } from '../storage/ports/push.js';
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
function roomEvaluator(ctx: PushRoomContext) {
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

export function pushUnreadCounter(store: PushReadStore, rulesetOf: (userId: string) => Promise<PushRuleset>): UnreadCounter {
  return async (userId, rooms, upto) => {
    const out = new Map<string, UnreadCounts>();
    if (rooms.length === 0) return out;
    let ruleset: Promise<PushRuleset> | undefined;
    await Promise.all(rooms.map(async (r) => {
      const counts: UnreadCounts = { highlight_count: 0, notification_count: 0 };
      out.set(r.roomId, counts);
      if (r.joinedAt >= upto) return;
      const rows = await store.unreadCandidates(userId, r.roomId, r.roomNid, r.joinedAt, upto, MAX_EVALUATED);
      const live = rows.filter((row) => row.redacted_by === null);
      if (live.length === 0) return;
      const [rs, ctx] = await Promise.all([(ruleset ??= rulesetOf(userId)), store.roomContext(r.roomNid, userId)]);
      if (!ctx) return;
      const contextFor = roomEvaluator(ctx);
      for (const row of live) {
        const ev = parse(row.json);
        if (!ev || typeof ev.sender !== 'string') continue;
        const match = findMatchingPushRule(rs, ev, contextFor(ev.sender));
        if (!match || !actionsNotify(match.actions)) continue;
        counts.notification_count++;
        if (actionsHighlight(match.actions)) counts.highlight_count++;
      }
    }));
    return out;
  };
}

/** The composition root's one-liner: the counter over the rooms tables with the user's ruleset. */
export function createPushUnreadCounter(db: SqlDb, rulesetOf: (userId: string) => Promise<PushRuleset>): UnreadCounter {
  return pushUnreadCounter(new KyselyPushReadStore(db), rulesetOf);
}
