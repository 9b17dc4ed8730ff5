// Keeps the full-text index (storage/ports/search.ts) up to the stream: after
// commit, off the send path, in batches — on a tick while the stream moved
// (catching up at start with events stored before), and fully before every
// search (so a search sees every message acknowledged before it); a redaction takes
// its target's text out of the index. Indexing costs
// ≈ 20 µs of main thread per message (FTS insert, reading and parsing the
// event): while the event loop is busy (utilisation over BUSY_ELU in the last
// tick) a tick indexes at most BUSY_BATCH events, so a send burst is not slowed
// by its own indexing; the rest follows when the load drops, or with the next search.
import { performance } from 'node:perf_hooks';
import type { SearchDoc, SearchKey, SearchStore } from '../storage/ports/search.js';

const BATCH = 1000;
const TICK_MS = 250;
const BUSY_ELU = 0.5;
const BUSY_BATCH = 100;

export class SearchIndexer {
  private running: Promise<void> | undefined;
  private through = -1;
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly deps: { store: SearchStore; currentPos: () => number; onError?: (err: unknown) => void }) {}

  /** Indexes everything up to the stream's current position (one run at a time; a run goes on while the stream moves). */
  async catchUp(): Promise<void> {
    for (;;) {
      // A tick's run may stop at its budget: wait for it, then go on.
      if (this.running) {
        await this.running;
        continue;
      }
      if (this.through >= 0 && this.through >= this.deps.currentPos()) return;
      await (this.running = this.run(Infinity).finally(() => (this.running = undefined)));
    }
  }

  start(): void {
    let elu = performance.eventLoopUtilization();
    this.timer = setInterval(() => {
      const now = performance.eventLoopUtilization();
      const busy = performance.eventLoopUtilization(now, elu).utilization > BUSY_ELU;
      elu = now;
      if (this.running || this.deps.currentPos() <= this.through) return;
      this.running = this.run(busy ? BUSY_BATCH : Infinity).finally(() => (this.running = undefined));
      this.running.catch((err: unknown) => this.deps.onError?.(err));
    }, TICK_MS);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.running?.catch(() => undefined);
  }

  /** Indexes up to the current position, or about `budget` events (whole batches). */
  private async run(budget: number): Promise<void> {
    const { store, currentPos } = this.deps;
    if (this.through < 0) this.through = await store.indexedThrough();
    for (let done = 0; done < budget; ) {
      const upto = currentPos();
      if (this.through >= upto) return;
      const batch = Math.min(BATCH, budget - done);
      const rows = await store.unindexed(this.through, upto, batch);
      done += rows.length;
      const docs: SearchDoc[] = [];
      const redacted: string[] = [];
      for (const r of rows) {
        if (r.type === 'm.room.redaction') {
          const target = redactionTarget(r.json);
          if (target !== undefined) redacted.push(target);
          continue;
        }
        const doc = searchable(r.type, r.json);
        if (doc) docs.push({ eventNid: r.eventNid, roomNid: r.roomNid, ...doc });
      }
      const next = rows.length === batch ? rows[rows.length - 1]!.streamPos : upto;
      await store.index(docs, redacted, next);
      this.through = next;
    }
  }
}

/** The event a redaction redacts: top-level `redacts` (rooms v1–10) or content.redacts (v11+). */
function redactionTarget(json: string): string | undefined {
  try {
    const ev = JSON.parse(json) as { redacts?: unknown; content?: { redacts?: unknown } };
    const target = ev.content?.redacts ?? ev.redacts;
    return typeof target === 'string' ? target : undefined;
  } catch {
    return undefined;
  }
}

/** The searchable text of an event (search.yaml `keys`), if any. */
function searchable(type: string, json: string): { key: SearchKey; value: string } | undefined {
  let content: Record<string, unknown>;
  try {
    content = ((JSON.parse(json) as { content?: Record<string, unknown> }).content ?? {});
  } catch {
    return undefined;
  }
  const [key, field] = type === 'm.room.message' ? ['content.body', 'body'] as const
    : type === 'm.room.name' ? ['content.name', 'name'] as const
    : type === 'm.room.topic' ? ['content.topic', 'topic'] as const
    : [undefined, undefined];
  const value = field === undefined ? undefined : content[field];
  return key !== undefined && typeof value === 'string' && value.trim() !== '' ? { key, value } : undefined;
}
