// Group commit (DESIGN "Performance by design"): events handed over by the
// per-room queues wait here and are written in batches, each batch in ONE
// transaction. While a batch commits, new events accumulate for the next one,
// so under load the cost of a commit (an fsync on SQLite WAL, a round trip on
// PostgreSQL) is shared by many events; an idle server commits each event
// alone with no added delay.
//
// Stream positions are allocated when an event is handed over (so they follow
// the order events were built in); after the commit each is finished and the
// notifier wakes /sync. Durability: a caller's promise resolves only after its
// batch committed.
import type { StreamIdGenerator } from '../streams/StreamIdGenerator.js';
import type { Notifier } from '../streams/Notifier.js';
import type { NewEvent, RoomStore } from '../storage/ports/rooms.js';

/** Largest batch written in one transaction. */
const MAX_BATCH = 1000;

export interface PendingWrite {
  row: NewEvent;
  roomId: string;
  /** User IDs to notify besides the room (state_key of member events). */
  userIds: readonly string[];
  resolve: () => void;
  reject: (err: unknown) => void;
  /** A counter of the caller's writes in flight, decremented when this one settles (before resolve/reject). */
  owner?: { inFlight: number };
}

export interface PersisterDeps {
  store: RoomStore;
  generator: StreamIdGenerator;
  notifier: Notifier;
  /** Called when a batch failed, with the rooms whose in-memory state is now stale. */
  onBatchFailed: (roomIds: ReadonlySet<string>, err: unknown) => void;
}

export class EventPersister {
  private queue: PendingWrite[] = [];
  private writing = false;
  private nextEventNid = 0;
  private idle: (() => void)[] = [];

  constructor(private readonly deps: PersisterDeps) {}

  /** Must be called once before the first write. */
  async start(): Promise<void> {
    this.nextEventNid = (await this.deps.store.maxEventNid()) + 1;
  }

  /** Allocates the event's nid and stream position now; the row is written with the next batch. */
  allocate(): { eventNid: number; streamPos: number } {
    return { eventNid: this.nextEventNid++, streamPos: this.deps.generator.allocate() };
  }

  enqueue(write: PendingWrite): void {
    this.queue.push(write);
    if (!this.writing) {
      this.writing = true;
      // Let every request already parsed in this tick join the batch.
      setImmediate(() => void this.drain());
    }
  }

  /** Drops queued (not yet writing) events of these rooms, failing their callers. */
  failQueued(roomIds: ReadonlySet<string>, err: unknown): void {
    const keep: PendingWrite[] = [];
    for (const w of this.queue) {
      if (roomIds.has(w.roomId)) {
        this.deps.generator.finish(w.row.streamPos);
        if (w.owner) w.owner.inFlight--;
        w.reject(err);
      } else keep.push(w);
    }
    this.queue = keep;
  }

  /** Resolves when everything queued so far is written. */
  async flushed(): Promise<void> {
    if (!this.writing && this.queue.length === 0) return;
    await new Promise<void>((resolve) => this.idle.push(resolve));
  }

  private async drain(): Promise<void> {
    while (this.queue.length > 0) {
      const batch = this.queue.length <= MAX_BATCH ? this.queue : this.queue.slice(0, MAX_BATCH);
      this.queue = this.queue.length <= MAX_BATCH ? [] : this.queue.slice(MAX_BATCH);
      await this.writeBatch(batch);
    }
    this.writing = false;
    const idle = this.idle;
    this.idle = [];
    for (const f of idle) f();
  }

  private async writeBatch(batch: PendingWrite[]): Promise<void> {
    const { store, generator, notifier } = this.deps;
    try {
      await store.persistEvents(batch.map((w) => w.row));
    } catch (err) {
      const rooms = new Set(batch.map((w) => w.roomId));
      for (const w of batch) {
        generator.finish(w.row.streamPos);
        if (w.owner) w.owner.inFlight--;
        w.reject(err);
      }
      // Later events of these rooms were built on top of the lost ones.
      this.failQueued(rooms, err);
      this.deps.onBatchFailed(rooms, err);
      return;
    }
    const roomIds = new Set<string>();
    const userIds = new Set<string>();
    for (const w of batch) {
      generator.finish(w.row.streamPos);
      roomIds.add(w.roomId);
      for (const u of w.userIds) userIds.add(u);
    }
    notifier.notify({ roomIds, userIds });
    for (const w of batch) {
      if (w.owner) w.owner.inFlight--;
      w.resolve();
    }
  }
}
