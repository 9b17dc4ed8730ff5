// Presence. Spec: client-server-api/modules/presence.md, presence.yaml.
// Each change is a stream row (WAVE2); /sync delivers rows of users sharing a
// room with the syncing user. /sync's set_presence updates the state; a sync
// only writes (and wakes the user's rooms) when the state changes, so a busy
// room is not woken by every member's every poll. A user whose clients stopped
// syncing is set offline after OFFLINE_AFTER_MS (Synapse does the same with its
// sync timeout). NOTSPEC: last_active_ago in /sync is as of the last state
// change; GET /presence/{userId}/status reports the latest activity.
import { MatrixError } from '@weft/core';
import type { PresenceRow, PresenceStore } from '../storage/ports/sync.js';
import { writeAtNextPosition, type StreamDeps } from './streamWrite.js';

export type PresenceState = PresenceRow['presence'];
const STATES = new Set<string>(['online', 'offline', 'unavailable']);
/** No sync for this long (clients long-poll every ~30 s) → offline. */
const OFFLINE_AFTER_MS = 90_000;
const SWEEP_EVERY_MS = 30_000;

export interface PresenceContent {
  presence: PresenceState;
  last_active_ago?: number;
  status_msg?: string;
  currently_active?: boolean;
}

export function isPresenceState(s: unknown): s is PresenceState {
  return typeof s === 'string' && STATES.has(s);
}

export class PresenceService {
  /** Last written row per user: avoids a read on every sync. */
  private readonly cache = new Map<string, PresenceRow>();
  /** user ID → time of the last sync that kept them present. */
  private readonly lastSync = new Map<string, number>();
  private sweeper: NodeJS.Timeout | undefined;

  constructor(
    private readonly store: PresenceStore,
    private readonly streams: StreamDeps,
    /** Rooms the user is joined to (whose members may see the change). */
    private readonly joinedRoomIds: (userId: string) => Promise<string[]>,
    private readonly now: () => number = Date.now,
  ) {}

  /** PUT /presence/{userId}/status. */
  async set(userId: string, presence: PresenceState, statusMsg: string | undefined): Promise<void> {
    const prev = await this.current(userId);
    if (presence === 'offline') this.lastSync.delete(userId);
    else this.lastSync.set(userId, this.now());
    await this.write({
      userId,
      presence,
      statusMsg: statusMsg ?? (presence === prev?.presence ? prev.statusMsg : null),
      lastActiveTs: this.now(),
      currentlyActive: presence === 'online',
      streamPos: 0,
    });
  }

  /** /sync set_presence (default online). 'offline' means "do not change". */
  async touchFromSync(userId: string, presence: PresenceState): Promise<void> {
    if (presence === 'offline') return;
    const prev = await this.current(userId);
    const now = this.now();
    this.lastSync.set(userId, now);
    if (prev && prev.presence === presence) {
      if (presence === 'online') prev.lastActiveTs = now; // in memory: GET shows fresh activity
      return;
    }
    await this.write({
      userId, presence, statusMsg: prev?.statusMsg ?? null, lastActiveTs: now, currentlyActive: presence === 'online', streamPos: 0,
    });
  }

  /** Starts the periodic offline sweep (timer does not keep the process alive). */
  start(): void {
    this.sweeper ??= setInterval(() => void this.sweep().catch(() => {}), SWEEP_EVERY_MS);
    this.sweeper.unref();
  }

  stop(): void {
    if (this.sweeper) clearInterval(this.sweeper);
    this.sweeper = undefined;
  }

  /** Sets users offline whose clients stopped syncing. */
  async sweep(): Promise<void> {
    const now = this.now();
    for (const [userId, ts] of this.lastSync) {
      if (now - ts < OFFLINE_AFTER_MS) continue;
      this.lastSync.delete(userId);
      const row = this.cache.get(userId);
      if (row && row.presence !== 'offline') {
        await this.write({ ...row, presence: 'offline', currentlyActive: false, streamPos: 0 });
      }
    }
  }

  /** GET /presence/{userId}/status body. */
  async get(userId: string): Promise<PresenceContent> {
    const row = await this.current(userId);
    if (!row) return { presence: 'offline' };
    return this.content(row);
  }

  content(row: PresenceRow): PresenceContent {
    const c: PresenceContent = { presence: row.presence, last_active_ago: Math.max(0, this.now() - row.lastActiveTs) };
    if (row.statusMsg !== null) c.status_msg = row.statusMsg;
    c.currently_active = row.currentlyActive;
    return c;
  }

  private async current(userId: string): Promise<PresenceRow | undefined> {
    const hit = this.cache.get(userId);
    if (hit) return hit;
    const row = await this.store.getPresence(userId);
    if (row) this.cache.set(userId, row);
    return row;
  }

  private async write(row: PresenceRow): Promise<void> {
    if (!isPresenceState(row.presence)) throw new MatrixError(400, 'M_INVALID_PARAM', 'Unknown presence state');
    const roomIds = await this.joinedRoomIds(row.userId);
    await writeAtNextPosition(
      this.streams,
      'presence',
      async (pos) => {
        row.streamPos = pos;
        await this.store.putPresence(row);
        this.cache.set(row.userId, row);
      },
      { roomIds, userIds: [row.userId] },
    );
  }
}
