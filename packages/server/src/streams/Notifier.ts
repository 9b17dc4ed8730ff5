// Wakes long-polling /sync requests when something they can see is persisted.
// An idle long-poll costs nothing but a map entry and a timer.
//
// Race-free use: call listen() BEFORE reading the database for the sync
// response, and await `woken` only if that read found nothing new. A write that
// commits while the read is in flight then still wakes the listener. Membership
// changes must notify the affected user ID as well as the room, so a listener
// learns about rooms it was not yet watching.
//
// Writers call notifyAt(position, …) after their transaction committed, naming
// the rooms and/or users the change is visible to. A waiter listens for its user
// ID and the rooms it is joined/invited to; it is woken once, then re-runs its
// sync. A position is announced only once readers can see it — once the stream's
// `current` has reached it: when a lower position (another writer) is still in
// flight, a waiter woken at once would read up to `current`, find nothing, and
// park again with nobody left to wake it for this write.

export interface WaitOptions {
  userId: string;
  roomIds: Iterable<string>;
  timeoutMs: number;
  signal?: AbortSignal;
}

type Waiter = { wake: () => void };
type Change = { roomIds?: Iterable<string>; userIds?: Iterable<string> };

/** The stream whose positions notifyAt() waits for (StreamIdGenerator). */
export interface VisibleStream {
  readonly current: number;
  onAdvance: ((current: number) => void) | undefined;
}

export class Notifier {
  private readonly byKey = new Map<string, Set<Waiter>>();
  private stream: VisibleStream | undefined;
  /** Changes whose position readers cannot see yet, in notification order. */
  private held: { position: number; change: Change }[] = [];

  /** Holds back notifyAt() changes until the stream's `current` reaches their position. */
  follow(stream: VisibleStream): void {
    this.stream = stream;
    stream.onAdvance = (current) => this.release(current);
  }

  /** notify() once `position` is visible to readers (at once when it already is, or when no stream is followed). */
  notifyAt(position: number, change: Change): void {
    if (this.stream === undefined || position <= this.stream.current) this.notify(change);
    else this.held.push({ position, change });
  }

  private release(current: number): void {
    if (this.held.length === 0) return;
    const due: Change[] = [];
    const keep: { position: number; change: Change }[] = [];
    for (const h of this.held) {
      if (h.position <= current) due.push(h.change);
      else keep.push(h);
    }
    this.held = keep;
    for (const change of due) this.notify(change);
  }

  /** Starts listening now; `woken` resolves true when notified, false on timeout, abort or cancel(). */
  listen(opts: WaitOptions): { woken: Promise<boolean>; cancel: () => void } {
    let cancel: () => void = () => {};
    const woken = new Promise<boolean>((resolve) => {
      const keys = [`u:${opts.userId}`];
      for (const roomId of opts.roomIds) keys.push(`r:${roomId}`);
      let done = false;
      const finish = (woken: boolean) => {
        if (done) return;
        done = true;
        clearTimeout(timer);
        opts.signal?.removeEventListener('abort', onAbort);
        for (const key of keys) {
          const set = this.byKey.get(key);
          if (!set) continue;
          set.delete(waiter);
          if (set.size === 0) this.byKey.delete(key);
        }
        resolve(woken);
      };
      const waiter: Waiter = { wake: () => finish(true) };
      const onAbort = () => finish(false);
      cancel = () => finish(false);
      const timer = setTimeout(() => finish(false), Math.max(0, opts.timeoutMs));
      opts.signal?.addEventListener('abort', onAbort, { once: true });
      for (const key of keys) {
        let set = this.byKey.get(key);
        if (!set) this.byKey.set(key, (set = new Set()));
        set.add(waiter);
      }
    });
    return { woken, cancel };
  }

  /** Wake everyone waiting on any of these rooms or users, now (for changes outside the stream: typing). */
  notify(change: Change): void {
    const woken: Waiter[] = [];
    for (const roomId of change.roomIds ?? []) this.collect(`r:${roomId}`, woken);
    for (const userId of change.userIds ?? []) this.collect(`u:${userId}`, woken);
    for (const waiter of woken) waiter.wake();
  }

  /** Number of parked waiters (for metrics and tests). */
  get waiting(): number {
    const unique = new Set<Waiter>();
    for (const set of this.byKey.values()) for (const w of set) unique.add(w);
    return unique.size;
  }

  private collect(key: string, into: Waiter[]): void {
    const set = this.byKey.get(key);
    if (set) for (const w of set) into.push(w);
  }
}
