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
//
// Deferred signing (SQLite; see EventSigner): a write may arrive hashed but
// unsigned, with the bytes to sign. After its batch committed (and its caller
// was answered) the signature is computed on the main thread, and the signed
// JSON rides along with the next batch — or, when none comes within
// SIGNATURE_FLUSH_MS, is written on its own. A watermark ("every event up to
// this nid is signed") is stored with them at most once a second; start()
// signs whatever a crash left unsigned above it.
import type { StreamIdGenerator } from '../streams/StreamIdGenerator.js';
import type { Notifier } from '../streams/Notifier.js';
import type { NewEvent, RoomStore, SignedJson } from '../storage/ports/rooms.js';
import type { EventSigner } from './EventSigner.js';

/** Largest batch written in one transaction. */
const MAX_BATCH = 1000;
/** How long finished signatures wait for a batch to ride along with before being written alone. */
const SIGNATURE_FLUSH_MS = 5;
/** Events built under load signed on the worker thread from this many per batch (fewer: here). */
const WORKER_BATCH_MIN = 3;
/** Minimum interval between watermark writes (bounds the start-up scan after a crash). */
const WATERMARK_INTERVAL_MS = 1000;

export interface PendingWrite {
  row: NewEvent;
  roomId: string;
  /** User IDs to notify besides the room (state_key of member events). */
  userIds: readonly string[];
  resolve: () => void;
  reject: (err: unknown) => void;
  /** A counter of the caller's writes in flight, decremented when this one settles (before resolve/reject). */
  owner?: { inFlight: number };
  /** The row's JSON is unsigned; these are the bytes to sign (after the commit unless signBeforeCommit). */
  signingJson?: string;
  /** Built under load: signed with its batch before the commit. */
  signBeforeCommit?: boolean;
  /** The in-memory PDU, given its `signatures` once signed. */
  pdu?: { signatures?: unknown };
}

export interface PersisterDeps {
  store: RoomStore;
  generator: StreamIdGenerator;
  notifier: Notifier;
  /** Called when a batch failed, with the rooms whose in-memory state is now stale. */
  onBatchFailed: (roomIds: ReadonlySet<string>, err: unknown) => void;
  /** Signs writes that carry `signingJson` (deferred signing; the store must support it). */
  signer?: EventSigner;
}

export class EventPersister {
  private queue: PendingWrite[] = [];
  private writing = false;
  private nextEventNid = 0;
  private idle: (() => void)[] = [];
  /** Committed unsigned events whose signed JSON is not written yet (by nid). */
  private readonly unsignedNids = new Set<number>();
  /** Signed JSON ready to be written. */
  private signed: SignedJson[] = [];
  private signatureTimer: NodeJS.Timeout | undefined;
  private lastWatermarkAt = 0;

  constructor(private readonly deps: PersisterDeps) {}

  /** Nothing queued or being written. */
  get isIdle(): boolean {
    return !this.writing && this.queue.length === 0;
  }

  /** Must be called once before the first write. Signs what a crash left unsigned (deferred signing). */
  async start(): Promise<void> {
    const { store, signer } = this.deps;
    const maxNid = await store.maxEventNid();
    this.nextEventNid = maxNid + 1;
    if (signer) {
      const rows = await store.unsignedCandidates();
      const fixed: SignedJson[] = [];
      for (const r of rows) {
        const json = signer.signStored(r.roomVersion, r.json);
        if (json !== undefined) fixed.push({ eventNid: r.eventNid, json });
      }
      await store.persistEvents([], { signed: fixed, signedThrough: maxNid });
    }
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

  /** Resolves when everything queued so far is written, signatures included. */
  async flushed(): Promise<void> {
    if (!this.writing && this.queue.length === 0 && this.unsignedNids.size === 0) return;
    await new Promise<void>((resolve) => this.idle.push(resolve));
  }

  private async drain(): Promise<void> {
    while (this.queue.length > 0 || this.signed.length > 0) {
      const batch = this.queue.length <= MAX_BATCH ? this.queue : this.queue.slice(0, MAX_BATCH);
      this.queue = this.queue.length <= MAX_BATCH ? [] : this.queue.slice(MAX_BATCH);
      await this.signBeforeCommit(batch);
      await this.writeBatch(batch);
    }
    this.writing = false;
    this.settleIdle();
  }

  private settleIdle(): void {
    // flushed() waiters wait for the signatures too.
    if (this.writing || this.queue.length > 0 || this.unsignedNids.size > 0) return;
    const idle = this.idle;
    this.idle = [];
    for (const f of idle) f();
  }

  /**
   * Signs the batch's events built under load before it is written: several at
   * once on the signer's worker thread (the next batch gathers meanwhile), one
   * or two right here (a round trip to the worker costs more than that).
   */
  private async signBeforeCommit(batch: PendingWrite[]): Promise<void> {
    const signer = this.deps.signer;
    if (!signer) return;
    const todo: PendingWrite[] = [];
    for (const w of batch) if (w.signBeforeCommit === true && w.signingJson !== undefined) todo.push(w);
    if (todo.length === 0) return;
    const items = todo.map((w) => ({ json: w.row.json, signingJson: w.signingJson! }));
    const signed = todo.length >= WORKER_BATCH_MIN ? await signer.signBatch(items) : items.map((i) => signer.sign(i.json, i.signingJson));
    for (let i = 0; i < todo.length; i++) {
      const w = todo[i]!;
      w.row.json = signed[i]!.json;
      if (w.pdu) w.pdu.signatures = signed[i]!.signatures;
      w.signingJson = undefined;
    }
  }

  /** A signature finished: write it with the next batch, or alone after SIGNATURE_FLUSH_MS. */
  private signatureReady(s: SignedJson): void {
    this.signed.push(s);
    if (this.writing || this.signatureTimer !== undefined) return;
    this.signatureTimer = setTimeout(() => {
      this.signatureTimer = undefined;
      if (this.writing) return;
      this.writing = true;
      void this.drain();
    }, SIGNATURE_FLUSH_MS);
  }

  /** The signed JSON to write with this batch, and the watermark when one is due. */
  private takeSigned(batch: PendingWrite[]): { signed: SignedJson[]; signedThrough?: number } | undefined {
    if (this.signed.length === 0) return undefined;
    // Riding along with this batch: no separate signature write needed.
    if (this.signatureTimer !== undefined) {
      clearTimeout(this.signatureTimer);
      this.signatureTimer = undefined;
    }
    const signed = this.signed;
    this.signed = [];
    const now = Date.now();
    if (now - this.lastWatermarkAt < WATERMARK_INTERVAL_MS) return { signed };
    this.lastWatermarkAt = now;
    // Every nid below the lowest one still unsigned after this batch is signed.
    const written = new Set(signed.map((s) => s.eventNid));
    let lowest = Infinity;
    for (const nid of this.unsignedNids) if (!written.has(nid) && nid < lowest) lowest = nid;
    for (const w of batch) if (w.signingJson !== undefined && w.row.eventNid < lowest) lowest = w.row.eventNid;
    const through = lowest === Infinity ? (batch.length > 0 ? batch[batch.length - 1]!.row.eventNid : Math.max(...written)) : lowest - 1;
    return { signed, signedThrough: through };
  }

  private async writeBatch(batch: PendingWrite[]): Promise<void> {
    const { store, generator, notifier } = this.deps;
    const signatures = this.takeSigned(batch);
    try {
      await store.persistEvents(batch.map((w) => w.row), signatures);
    } catch (err) {
      // Signatures are retried with the next write.
      if (signatures) this.signed.push(...signatures.signed);
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
    let highest = 0;
    for (const w of batch) {
      generator.finish(w.row.streamPos);
      if (w.row.streamPos > highest) highest = w.row.streamPos;
      roomIds.add(w.roomId);
      for (const u of w.userIds) userIds.add(u);
    }
    if (signatures) for (const s of signatures.signed) this.unsignedNids.delete(s.eventNid);
    if (batch.length === 0) return;
    notifier.notifyAt(highest, { roomIds, userIds });
    for (const w of batch) {
      if (w.owner) w.owner.inFlight--;
      w.resolve();
    }
    if (!this.deps.signer) return;
    const toSign: PendingWrite[] = [];
    for (const w of batch) {
      if (w.signingJson === undefined) continue;
      this.unsignedNids.add(w.row.eventNid);
      toSign.push(w);
    }
    // After this turn's microtasks, i.e. once the callers' responses are written:
    // on the main thread, which is otherwise idle while the clients read them.
    // (Node's callback form of crypto.sign was measured to cost the calling
    // thread about as much as signing itself, so the thread pool gains nothing.)
    if (toSign.length > 0) setImmediate(() => this.sign(toSign));
  }

  private sign(writes: PendingWrite[]): void {
    const signer = this.deps.signer!;
    for (const w of writes) {
      const signed = signer.sign(w.row.json, w.signingJson!);
      if (w.pdu) w.pdu.signatures = signed.signatures;
      this.signatureReady({ eventNid: w.row.eventNid, json: signed.json });
    }
  }
}
