// One global, append-only stream position shared by everything a client can
// see that is persisted: room events, receipts, account data, to-device
// messages, device-list changes, presence (DESIGN principle 6). Sync tokens and
// every reader (sync, federation senders, appservices) compare positions only.
//
// Positions are allocated in memory (one process writes) and handed out before
// the writing transaction commits. With an async engine (PostgreSQL) two
// transactions can commit out of order, so readers must never be told about a
// position while a lower one is still in flight: `current` is the highest
// position below which every allocated position has finished (committed or
// abandoned). Synapse's stream ID generators work on the same idea.

export class StreamIdGenerator {
  private lastAllocated: number;
  private persistedUpTo: number;
  /** Allocated positions whose transaction has not finished, in allocation order. */
  private readonly inFlight = new Set<number>();

  constructor(startAfter: number) {
    this.lastAllocated = startAfter;
    this.persistedUpTo = startAfter;
  }

  /** A new position; call finish() once its transaction committed or failed. */
  allocate(): number {
    const position = ++this.lastAllocated;
    this.inFlight.add(position);
    return position;
  }

  /** Called whenever `current` moves forward (the Notifier releases notifications it held back). */
  onAdvance: ((current: number) => void) | undefined;

  /** Returns the new `current` (which may not have moved). */
  finish(position: number): number {
    this.inFlight.delete(position);
    // Sets iterate in insertion order, which is allocation order: the first
    // in-flight entry bounds what readers may see.
    const lowest = this.inFlight.values().next();
    const before = this.persistedUpTo;
    this.persistedUpTo = lowest.done ? this.lastAllocated : lowest.value - 1;
    if (this.persistedUpTo > before) this.onAdvance?.(this.persistedUpTo);
    return this.persistedUpTo;
  }

  /** Highest position such that everything at or below it is persisted. */
  get current(): number {
    return this.persistedUpTo;
  }

  /** The highest position handed out (finished or not); `current` reaches it once all are finished. */
  get highestAllocated(): number {
    return this.lastAllocated;
  }
}
