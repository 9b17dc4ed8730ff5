// GET /sync: initial and incremental sync with long-polling.
// Spec: client-server-api/_index.md "Syncing"; data/api/client-server/sync.yaml.
//
// Everything is read up to one stream position `upto` (generator.current when
// the read starts) so a response never shows half of a write; the next_batch
// token is `s<upto>_<typing counter>`. An incremental sync first finds the
// rooms with anything newer than `since` (one range query over events by
// stream_pos, plus receipts, account data and the in-memory typing serials) and
// only then reads those rooms. A long-poll listens on the Notifier BEFORE
// reading and, when the read found nothing, parks on a timer (no CPU) until a
// write that concerns the user or one of their rooms wakes it.
import type { StreamIdGenerator } from '../streams/StreamIdGenerator.js';
import type { Notifier } from '../streams/Notifier.js';
import type {
  AccountDataStore, ReceiptRow, ReceiptStore, PresenceStore, SyncEventRow, SyncReadStore, UserMembership,
} from '../storage/ports/sync.js';
import { formatSyncToken, type SyncToken } from '../streams/tokens.js';
import { DEFAULT_TIMELINE_LIMIT, MAX_TIMELINE_LIMIT, eventMatches, excludesAll, roomIncluded, type SyncFilter } from './Filter.js';
import type { SyncExtension } from './SyncExtension.js';
import type { TypingService } from './TypingService.js';
import type { PresenceService, PresenceState } from './PresenceService.js';
import type { ClientEventFormatter, UnreadCounter, Viewer, VisibilityFilter } from './ports.js';
import type { StreamHighWater } from './streamWrite.js';
import { defaultPushRules } from './defaultPushRules.js';
import { parseIgnoredUsers } from '../visibility/ignoredUsers.js';
import {
  dedupeState, filterState, formatEvents, inviteState, loadTimeline, roomSummary, stateAt, timelineJson, type RoomCtx, type RoomSectionDeps,
} from './roomSections.js';

export interface SyncServiceDeps {
  generator: StreamIdGenerator;
  notifier: Notifier;
  highWater: StreamHighWater;
  reads: SyncReadStore;
  accountData: AccountDataStore;
  receipts: ReceiptStore;
  presenceStore: PresenceStore;
  presence: PresenceService;
  typing: TypingService;
  extensions: readonly SyncExtension[];
  format: ClientEventFormatter;
  /** History visibility; see ports.ts (INTEGRATION POINT until the visibility module is wired). */
  visibility: VisibilityFilter;
  unreadCounter: UnreadCounter;
  now?: () => number;
}

export interface SyncRequest {
  userId: string;
  deviceId: string;
  since: SyncToken | null;
  filter: SyncFilter;
  fullState: boolean;
  timeoutMs: number;
  setPresence: PresenceState | undefined;
  signal?: AbortSignal;
}

type Json = Record<string, unknown>;


export class SyncService {
  private readonly now: () => number;
  constructor(private readonly deps: SyncServiceDeps) {
    this.now = deps.now ?? Date.now;
  }

  async sync(req: SyncRequest): Promise<Json> {
    await this.deps.presence.touchFromSync(req.userId, req.setPresence ?? 'online');
    const deadline = this.now() + Math.max(0, req.timeoutMs);
    // full_state: "the timeout parameter will be ignored and the query will return immediately".
    const mayWait = req.since !== null && !req.fullState && req.timeoutMs > 0;
    for (;;) {
      const remaining = deadline - this.now();
      // The rooms to listen on come from this user's previous build: a room joined
      // since then is announced on the user's own key, and build() re-reads memberships.
      // Listening starts before the read, so a write that becomes visible meanwhile still wakes us.
      const listener = mayWait && remaining > 0
        ? this.deps.notifier.listen({
            userId: req.userId,
            roomIds: this.listenRooms.get(req.userId) ?? (await this.roomsToListen(req.userId)),
            timeoutMs: remaining,
            signal: req.signal,
          })
        : undefined;
      let result: { response: Json; hasNew: boolean; memberships: UserMembership[]; upto: number };
      try {
        result = await this.build(req);
      } catch (err) {
        listener?.cancel();
        throw err;
      }
      this.rememberRooms(req.userId, result.memberships);
      if (result.hasNew || !listener) {
        listener?.cancel();
        return result.response;
      }
      // Nothing new: park until a write concerning us is visible (Notifier.notifyAt waits for
      // the stream's `current` to reach the write's position), the timeout, or the client
      // leaving. "If no events (or other data) become available before this time elapses, the
      // server will return a response with empty fields" (sync.yaml `timeout`).
      if (!(await listener.woken)) return result.response;
    }
  }

  /** user ID → their m.ignored_user_list (refreshed when that account data changes). */
  private readonly ignoredCache = new Map<string, ReadonlySet<string>>();

  private async ignoredUsers(userId: string, since: number | null, changed: readonly { roomId: string; type: string; content: Record<string, unknown> }[]): Promise<ReadonlySet<string>> {
    const row = changed.find((r) => r.roomId === '' && r.type === 'm.ignored_user_list');
    let set = row ? parseIgnoredUsers(row.content) : since === null ? undefined : this.ignoredCache.get(userId);
    // Initial sync: `changed` holds all account data, so no row means no list.
    if (!set) set = since === null ? new Set<string>() : parseIgnoredUsers(await this.deps.accountData.getAccountData(userId, '', 'm.ignored_user_list'));
    if (this.ignoredCache.size > 50_000) this.ignoredCache.clear();
    this.ignoredCache.set(userId, set);
    return set;
  }

  /** user ID → joined/invited room IDs at their last sync (bounded; only a listening hint). */
  private readonly listenRooms = new Map<string, string[]>();

  private async roomsToListen(userId: string): Promise<string[]> {
    const ms = await this.deps.reads.membershipsOf(userId);
    return ms.filter((m) => m.membership === 'join' || m.membership === 'invite').map((m) => m.roomId);
  }

  private rememberRooms(userId: string, memberships: UserMembership[]): void {
    if (this.listenRooms.size > 50_000) this.listenRooms.clear();
    this.listenRooms.set(userId, memberships.filter((m) => m.membership === 'join' || m.membership === 'invite').map((m) => m.roomId));
  }

  private async build(req: SyncRequest): Promise<{ response: Json; hasNew: boolean; memberships: UserMembership[]; upto: number }> {
    const { reads, typing } = this.deps;
    const upto = this.deps.generator.current;
    const typingNow = typing.current;
    // A token from beyond the stream (e.g. a restored database) counts as "now".
    const since = req.since ? Math.min(req.since.stream, upto) : null;
    // A typing serial from before a restart (counter reset) is treated as "send everything".
    const sinceTyping = req.since && req.since.typing <= typingNow ? req.since.typing : null;
    const viewer: Viewer = { userId: req.userId, deviceId: req.deviceId };
    const nowTs = this.now();
    const filter = req.filter;
    const roomFilter = filter.room;

    // Phase 1 — independent reads, in parallel (one round trip of latency on PostgreSQL):
    // memberships, and what changed since `since` (incremental only), one query per stream.
    const hw = this.deps.highWater;
    const [rawMemberships, changedRooms, receiptRoomList, accountRows] = await Promise.all([
      reads.membershipsOf(req.userId),
      since === null ? null : reads.roomsWithEventsBetween(since, upto),
      since === null ? null : hw.mayHaveChangedSince('receipts', since) ? this.deps.receipts.roomsWithReceiptsSince(since, upto) : [],
      since === null || hw.mayHaveChangedSince('account_data', since) ? this.deps.accountData.accountDataSince(req.userId, since, upto) : [],
    ]);
    const receiptRooms = receiptRoomList === null ? null : new Set(receiptRoomList);
    const typingRooms = sinceTyping === null ? null : new Set(typing.roomsChangedSince(sinceTyping));

    // Memberships as of upto (current_state may be a little ahead of upto).
    const memberships: UserMembership[] = [];
    for (const m of rawMemberships) {
      if (m.streamPos <= upto) memberships.push(m);
      else {
        const at = await reads.membershipAt(m.roomNid, req.userId, upto);
        if (at) memberships.push({ ...m, membership: at.membership ?? 'leave', streamPos: at.stream_pos, eventNid: at.event_nid });
      }
    }

    const roomAccountData = new Map<string, Json[]>();
    const globalAccountData: Json[] = [];
    for (const row of accountRows) {
      const ev = { type: row.type, content: row.content };
      if (row.roomId === '') {
        if (eventMatches(filter.account_data, ev)) globalAccountData.push(ev);
      } else if (eventMatches(roomFilter?.account_data, { ...ev, room_id: row.roomId })) {
        let list = roomAccountData.get(row.roomId);
        if (!list) roomAccountData.set(row.roomId, (list = []));
        list.push(ev);
      }
    }
    const ignored = await this.ignoredUsers(req.userId, since, accountRows);
    if (since === null && !accountRows.some((r) => r.roomId === '' && r.type === 'm.push_rules')) {
      // Clients read their push rules from the initial sync's account data.
      const ev = { type: 'm.push_rules', content: defaultPushRules(req.userId) };
      if (eventMatches(filter.account_data, ev)) globalAccountData.push(ev);
    }

    const joinedRoomIds = new Set<string>();
    const sectionDeps: RoomSectionDeps = { reads, format: this.deps.format, visibility: this.deps.visibility };
    const limit = Math.min(roomFilter?.timeline?.limit ?? DEFAULT_TIMELINE_LIMIT, MAX_TIMELINE_LIMIT);
    const includeLeave = roomFilter?.include_leave === true;

    const joinedToRead: UserMembership[] = [];
    for (const m of memberships) {
      if (m.membership === 'join') joinedRoomIds.add(m.roomId);
      if (!roomIncluded(roomFilter, m.roomId)) continue;
      if (m.membership === 'join') {
        const touched = since === null || req.fullState || m.streamPos > since || changedRooms!.has(m.roomNid) ||
          receiptRooms!.has(m.roomId) || typingRooms?.has(m.roomId) || roomAccountData.has(m.roomId) || sinceTyping === null;
        if (touched) joinedToRead.push(m);
      }
    }

    // Phase 2 — batched per-stream reads for the rooms to send, in parallel: receipts (one
    // query), unread counts, current state of rooms sent with full state (initial, full_state,
    // possibly newly joined — one query rather than one per room), forgotten rooms.
    const [receiptsByRoom, unread, stateCache, forgotten] = await Promise.all([
      this.receiptsFor(joinedToRead, since, upto, req.userId, receiptRooms),
      this.deps.unreadCounter(req.userId, joinedToRead.map((m) => ({ roomId: m.roomId, roomNid: m.roomNid, joinedAt: m.streamPos })), upto),
      reads.currentStateOfRooms(joinedToRead.filter((m) => since === null || req.fullState || m.streamPos > since).map((m) => m.roomNid)),
      memberships.some((m) => m.membership === 'leave' || m.membership === 'ban') ? reads.forgottenRooms(req.userId) : new Set<string>(),
    ]);

    const response: Json = {
      next_batch: formatSyncToken({ stream: upto, typing: typingNow }),
      rooms: {},
      account_data: { events: globalAccountData },
    };

    // Phase 3 — every room section, presence and the extensions, in parallel.
    const joinTasks = joinedToRead.map(async (m): Promise<[string, Json | undefined]> => {
      const ctx: RoomCtx = { viewer, roomId: m.roomId, roomNid: m.roomNid, nowTs, eventFields: filter.event_fields, visibleAfter: m.streamPos, ignored };
      const section = await this.joinedRoom(sectionDeps, ctx, m, req, since, upto, limit, sinceTyping, receiptsByRoom.get(m.roomId), roomAccountData.get(m.roomId), stateCache.get(m.roomNid));
      if (section) section.unread_notifications = unread.get(m.roomId) ?? { highlight_count: 0, notification_count: 0 };
      return [m.roomId, section];
    });
    const inviteTasks: Promise<[string, Json | undefined]>[] = [];
    const knockTasks: Promise<[string, Json | undefined]>[] = [];
    const leaveTasks: Promise<[string, Json | undefined]>[] = [];
    for (const m of memberships) {
      if (!roomIncluded(roomFilter, m.roomId) || forgotten.has(m.roomId)) continue;
      if (m.membership === 'invite' && (since === null || m.streamPos > since)) {
        inviteTasks.push((async (): Promise<[string, Json | undefined]> => {
          const row = await reads.membershipAt(m.roomNid, req.userId, upto);
          // "Servers must not send room invites from ignored users to clients."
          if (!row || ignored.has(row.sender)) return [m.roomId, undefined];
          return [m.roomId, { invite_state: { events: await inviteState(reads, m.roomNid, row) } }];
        })());
      } else if (m.membership === 'knock' && (since === null || m.streamPos > since)) {
        // sync.yaml "knock": the stripped state of a room the user knocked on, ending with the knock.
        knockTasks.push((async (): Promise<[string, Json | undefined]> => {
          const row = await reads.membershipAt(m.roomNid, req.userId, upto);
          return [m.roomId, row ? { knock_state: { events: await inviteState(reads, m.roomNid, row) } } : undefined];
        })());
      } else if ((m.membership === 'leave' || m.membership === 'ban') && (since === null ? includeLeave : m.streamPos > since)) {
        const ctx: RoomCtx = { viewer, roomId: m.roomId, roomNid: m.roomNid, nowTs, eventFields: filter.event_fields, ignored };
        leaveTasks.push(this.leftRoom(sectionDeps, ctx, m, req, since, limit, roomAccountData.get(m.roomId)).then((sec) => [m.roomId, sec]));
      }
    }
    const extCtx = { userId: req.userId, deviceId: req.deviceId, since, upto, joinedRoomIds, fullState: req.fullState };
    const [joinEntries, inviteEntries, knockEntries, leaveEntries, presence, extended] = await Promise.all([
      Promise.all(joinTasks),
      Promise.all(inviteTasks),
      Promise.all(knockTasks),
      Promise.all(leaveTasks),
      this.presenceEvents(req, memberships, since, upto),
      Promise.all(this.deps.extensions.map((ext) => ext.contribute(extCtx, response))).then((r) => r.some(Boolean)),
    ]);
    const collect = (entries: [string, Json | undefined][]) => {
      const out: Json = {};
      for (const [roomId, sec] of entries) if (sec) out[roomId] = sec;
      return out;
    };
    const join = collect(joinEntries);
    const invite = collect(inviteEntries);
    const knock = collect(knockEntries);
    const leave = collect(leaveEntries);
    response.rooms = { join, invite, leave, knock };
    response.presence = { events: presence };

    const hasNew = extended || globalAccountData.length > 0 || presence.length > 0 ||
      Object.keys(join).length > 0 || Object.keys(invite).length > 0 || Object.keys(knock).length > 0 || Object.keys(leave).length > 0;
    return { response, hasNew, memberships, upto };
  }

  private async joinedRoom(
    deps: RoomSectionDeps, ctx: RoomCtx, m: UserMembership, req: SyncRequest, since: number | null, upto: number, limit: number,
    sinceTyping: number | null, receipts: Json | undefined, accountData: Json[] | undefined, currentState: SyncEventRow[] | undefined,
  ): Promise<Json | undefined> {
    const { reads } = this.deps;
    const roomFilter = req.filter.room;
    // Newly joined (or re-joined) since the token: send it like an initial sync ("full state").
    let newlyJoined = false;
    if (since !== null && m.streamPos > since) {
      const before = await reads.membershipAt(m.roomNid, req.userId, since);
      newlyJoined = before?.membership !== 'join';
    }
    const fresh = since === null || newlyJoined;
    const timelineFilter = roomFilter?.timeline;
    const timeline = excludesAll(timelineFilter)
      ? { rows: [], limited: false, startPos: upto, dropped: true }
      : await loadTimeline(deps, ctx, fresh ? null : since, upto, limit, timelineFilter);

    let stateRows: SyncEventRow[];
    let gapMembers = new Set<string>();
    if (fresh || req.fullState) {
      stateRows = await stateAt(reads, m.roomNid, timeline.startPos, currentState);
    } else if (timeline.limited) {
      // State changes between `since` and the start of the timeline.
      stateRows = dedupeState(await reads.stateEventsBetween(m.roomNid, since!, timeline.startPos + 1));
      // sync.yaml: when limited, membership events in the gap MUST be sent even when lazy-loading.
      gapMembers = new Set(stateRows.filter((r) => r.type === 'm.room.member').map((r) => r.event_id));
    } else if (!timeline.dropped) {
      // Not limited and nothing filtered out: the timeline holds every event since `since`.
      stateRows = [];
    } else {
      // The timeline holds everything since `since` except what its filter dropped.
      const inTimeline = new Set(timeline.rows.map((r) => r.event_id));
      stateRows = dedupeState((await reads.stateEventsBetween(m.roomNid, since!, timeline.startPos + 1)).filter((r) => !inTimeline.has(r.event_id)));
    }
    const stateFilter = roomFilter?.state;
    if (stateFilter?.lazy_load_members === true && !fresh && !req.fullState) {
      // Lazy-loading on an incremental sync: the client may never have been sent the
      // members who speak in this timeline. We do not track what each device was sent,
      // so send them (possibly redundantly, which the spec allows).
      const have = new Set(stateRows.filter((r) => r.type === 'm.room.member').map((r) => r.state_key));
      const inTimeline = new Set(timeline.rows.filter((r) => r.type === 'm.room.member').map((r) => r.state_key));
      for (const sender of new Set(timeline.rows.map((r) => r.sender))) {
        if (have.has(sender) || inTimeline.has(sender)) continue;
        const row = await reads.stateEventAt(m.roomNid, 'm.room.member', sender, timeline.startPos);
        if (row) stateRows.push(row);
      }
    }
    const state = excludesAll(stateFilter) ? [] : filterState(stateRows, ctx.roomId, stateFilter, timeline.rows, req.userId, fresh || req.fullState, gapMembers);

    const ephemeral: Json[] = [];
    const ephemeralFilter = roomFilter?.ephemeral;
    const typingContent = this.deps.typing.changedSince(ctx.roomId, sinceTyping);
    if (typingContent && eventMatches(ephemeralFilter, { type: 'm.typing', room_id: ctx.roomId })) {
      ephemeral.push({ type: 'm.typing', content: typingContent });
    }
    if (receipts && eventMatches(ephemeralFilter, { type: 'm.receipt', room_id: ctx.roomId })) {
      ephemeral.push({ type: 'm.receipt', content: receipts });
    }

    const memberChanged = fresh || req.fullState || timeline.rows.some((r) => r.type === 'm.room.member') || state.some((r) => r.type === 'm.room.member');
    const empty = timeline.rows.length === 0 && state.length === 0 && ephemeral.length === 0 && !accountData?.length;
    if (empty && !fresh && !req.fullState) return undefined;

    const section: Json = {
      timeline: await timelineJson(deps, ctx, timeline),
      state: { events: await formatEvents(deps, ctx, state) },
      account_data: { events: accountData ?? [] },
      ephemeral: { events: ephemeral },
    };
    if (memberChanged) section.summary = await roomSummary(reads, m.roomNid, req.userId, currentState);
    return section;
  }

  private async leftRoom(
    deps: RoomSectionDeps, ctx: RoomCtx, m: UserMembership, req: SyncRequest, since: number | null, limit: number, accountData: Json[] | undefined,
  ): Promise<Json> {
    const roomFilter = req.filter.room;
    // The timeline stops at the leave (or kick/ban) event: nothing after it is visible.
    let after = since;
    const before = since === null ? undefined : await this.deps.reads.membershipAt(m.roomNid, req.userId, since);
    if (since !== null && before?.membership !== 'join') after = null;
    // A rejected (or withdrawn) invite: the user never saw the room, show only the leave.
    const leaveRow = await this.deps.reads.membershipAt(m.roomNid, req.userId, m.streamPos);
    const prev = leaveRow?.unsigned_json ? (JSON.parse(leaveRow.unsigned_json) as { prev_content?: { membership?: unknown } }) : undefined;
    if (before?.membership === 'invite' || prev?.prev_content?.membership === 'invite') after = m.streamPos - 1;
    const timeline = await loadTimeline(deps, ctx, after, m.streamPos, limit, roomFilter?.timeline);
    const stateRows = after === null || req.fullState
      ? await stateAt(this.deps.reads, m.roomNid, timeline.startPos)
      : dedupeState(await this.deps.reads.stateEventsBetween(m.roomNid, after, timeline.startPos + 1));
    const state = filterState(stateRows, ctx.roomId, roomFilter?.state, timeline.rows, req.userId, true);
    return {
      timeline: await timelineJson(deps, ctx, timeline),
      state: { events: await formatEvents(deps, ctx, state) },
      account_data: { events: accountData ?? [] },
    };
  }

  /** m.receipt contents per room; m.read.private only for its own sender (receipts.md). */
  private async receiptsFor(
    rooms: UserMembership[], since: number | null, upto: number, userId: string, receiptRooms: Set<string> | null,
  ): Promise<Map<string, Json>> {
    const out = new Map<string, Json>();
    const ids = rooms.map((m) => m.roomId).filter((id) => receiptRooms === null || receiptRooms.has(id));
    if (ids.length === 0) return out;
    // A newly joined room gets every receipt; cheap enough to fetch all for those rooms.
    const rows: ReceiptRow[] = await this.deps.receipts.receiptsSince(ids, since, upto);
    const fresh = since === null ? [] : rooms.filter((m) => m.streamPos > since && !receiptRooms?.has(m.roomId)).map((m) => m.roomId);
    if (fresh.length > 0) rows.push(...(await this.deps.receipts.receiptsSince(fresh, null, upto)));
    for (const r of rows) {
      if (r.receiptType === 'm.read.private' && r.userId !== userId) continue;
      let content = out.get(r.roomId);
      if (!content) out.set(r.roomId, (content = {}));
      const byType = ((content[r.eventId] ??= {}) as Json);
      const byUser = ((byType[r.receiptType] ??= {}) as Json);
      byUser[r.userId] = r.threadId === undefined ? { ts: r.ts } : { ts: r.ts, thread_id: r.threadId };
    }
    return out;
  }

  /** m.presence events of users sharing a joined room with the user (and the user's own). */
  private async presenceEvents(req: SyncRequest, memberships: UserMembership[], since: number | null, upto: number): Promise<Json[]> {
    const pf = req.filter.presence;
    if (excludesAll(pf)) return [];
    const joinedNids = memberships.filter((m) => m.membership === 'join').map((m) => m.roomNid);
    let rows;
    if (since === null) {
      const users = await this.deps.reads.usersInRooms(joinedNids);
      users.add(req.userId);
      rows = await this.deps.presenceStore.presenceSince([...users], null, upto);
    } else {
      if (!this.deps.highWater.mayHaveChangedSince('presence', since)) return [];
      rows = await this.deps.presenceStore.presenceSince(null, since, upto);
      if (rows.length === 0) return [];
      const visible = await this.deps.reads.usersSharingRooms(joinedNids, rows.map((r) => r.userId));
      visible.add(req.userId);
      rows = rows.filter((r) => visible.has(r.userId));
    }
    return rows
      .filter((r) => eventMatches(pf, { type: 'm.presence', sender: r.userId }))
      .map((r) => ({ type: 'm.presence', sender: r.userId, content: this.deps.presence.content(r) }));
  }
}
