// Device-list tracking (client-server-api/modules/end_to_end_encryption.md
// "Tracking the device list for a user" and "Extensions to /sync"): every
// change of a user's devices or cross-signing keys is a row at a stream
// position; /sync and /keys/changes report, to users who share a room, who
// changed (`changed`) and who no longer shares any room with them (`left`).
import type { DeviceListStore } from '../storage/ports/e2ee.js';
import type { StreamIdGenerator } from '../streams/StreamIdGenerator.js';
import type { Notifier } from '../streams/Notifier.js';

export interface DeviceListChanges {
  changed: string[];
  left: string[];
}

export class DeviceListService {
  /**
   * Newest position of a device-list change written by this process (the only
   * writer; at start, the position then stands for older ones): /sync skips
   * the change query when nothing changed after its `from`.
   */
  private lastChange: number;

  constructor(private readonly deps: {
    store: DeviceListStore; generator: StreamIdGenerator; notifier: Notifier;
    /** Position of the newest membership event anywhere (rooms area); absent: always query. */
    lastMembershipChange?: () => number;
  }) {
    this.lastChange = deps.generator.current;
  }

  /**
   * Records that `userId`'s device list (devices, device keys, cross-signing
   * keys or signatures on them) changed, and wakes the /sync long-polls of the
   * user and of everyone who shares a room with them.
   */
  async markChanged(userId: string): Promise<number> {
    const { generator, notifier, store } = this.deps;
    const pos = generator.allocate();
    try {
      await store.addChanges([userId], pos);
      if (pos > this.lastChange) this.lastChange = pos;
    } finally {
      generator.finish(pos);
    }
    notifier.notifyAt(pos, { userIds: [userId], roomIds: await store.joinedRoomIds(userId) });
    return pos;
  }

  /** Users sharing a joined room with `userId`, plus the user. */
  async usersSharingRoom(userId: string): Promise<Set<string>> {
    const sharing = await this.deps.store.usersSharingRoom(userId);
    sharing.add(userId);
    return sharing;
  }

  /**
   * `changed`: users sharing a room with `userId` now whose device lists
   * changed in (from, to], the user themself if their own devices changed, and
   * users who started sharing a room with them in (from, to] (spec: "or who now
   * share an encrypted room with the client since the previous sync response").
   * `left`: users whose membership changes in (from, to] leave them sharing no
   * room with `userId`.
   * NOTSPEC: "room" is any room, not only encrypted ones (Synapse does the same);
   * an unneeded entry only makes the client re-query keys.
   */
  async changesBetween(userId: string, from: number, to: number): Promise<DeviceListChanges> {
    if (to <= from) return { changed: [], left: [] };
    const { store } = this.deps;
    // Two range queries first: on most syncs nothing changed and we stop here,
    // without the (heavier) "who shares a room with me" join.
    const lastMembership = this.deps.lastMembershipChange?.();
    const changedUsers = from >= this.lastChange ? [] : await store.changedUsersBetween(from, to);
    const memberships = lastMembership !== undefined && from >= lastMembership ? [] : await store.membershipChangesBetween(userId, from, to);
    if (changedUsers.length === 0 && memberships.length === 0) return { changed: [], left: [] };
    const sharing = await this.usersSharingRoom(userId);
    const changed = new Set<string>();
    for (const u of changedUsers) if (sharing.has(u)) changed.add(u);

    const candidates = new Set<string>();
    const ownRooms: number[] = [];
    for (const m of memberships) {
      if (m.userId === userId) ownRooms.push(m.roomNid);
      else candidates.add(m.userId);
    }
    // Our own join/leave: everyone in that room may have started or stopped sharing.
    for (const u of await store.joinedMembers([...new Set(ownRooms)])) candidates.add(u);
    const left: string[] = [];
    for (const u of candidates) {
      if (u === userId) continue;
      if (sharing.has(u)) changed.add(u);
      else left.push(u);
    }
    return { changed: [...changed].sort(), left: left.sort() };
  }
}
