// Transaction-ID dedupe without a database read per send (client-server-api
// "Transaction identifiers": the same (device, txn ID) must return the same
// event). Per device, the first send since start loads that device's recent
// transaction IDs (one query); after that a miss in memory is a definite miss.
// Synapse likewise only dedupes within a window (its event_txn_id rows are
// dropped after 24 h); rows older than the window are still found in the
// database for devices whose memory was trimmed.
import type { RoomStore } from '../storage/ports/rooms.js';

const WINDOW_MS = 24 * 60 * 60 * 1000;
/** Entries kept per device; beyond it the oldest half is dropped and that device falls back to the database. */
const MAX_PER_DEVICE = 10_000;
const MAX_DEVICES = 50_000;

interface DeviceTxns {
  /** txn ID → event ID, in insertion order. */
  entries: Map<string, string>;
  /** False once entries were dropped: misses must be checked in the database. */
  complete: boolean;
}

export class TxnCache {
  private readonly devices = new Map<string, DeviceTxns>();
  private readonly loading = new Map<string, Promise<DeviceTxns>>();

  constructor(private readonly store: RoomStore, private readonly now: () => number = Date.now) {}

  /**
   * The event ID an earlier send with this transaction ID produced, or
   * undefined. Synchronous (returns a value, not a promise) when the device is
   * already loaded and the answer is in memory — the hot path.
   */
  lookup(userId: string, deviceId: string, txnId: string): string | undefined | Promise<string | undefined> {
    const key = `${userId}\u0000${deviceId}`;
    const dev = this.devices.get(key);
    if (dev) {
      const hit = dev.entries.get(txnId);
      if (hit !== undefined || dev.complete) return hit;
      return this.store.txnEventId(userId, deviceId, txnId);
    }
    return this.load(key, userId, deviceId).then((d) => d.entries.get(txnId) ?? (d.complete ? undefined : this.store.txnEventId(userId, deviceId, txnId)));
  }

  /** Records a committed send. */
  remember(userId: string, deviceId: string, txnId: string, eventId: string): void {
    const dev = this.devices.get(`${userId}\u0000${deviceId}`);
    if (!dev) return; // not loaded: the database has it
    dev.entries.set(txnId, eventId);
    if (dev.entries.size > MAX_PER_DEVICE) {
      let drop = dev.entries.size / 2;
      for (const k of dev.entries.keys()) {
        if (drop-- <= 0) break;
        dev.entries.delete(k);
      }
      dev.complete = false;
    }
  }

  private load(key: string, userId: string, deviceId: string): Promise<DeviceTxns> {
    let p = this.loading.get(key);
    if (!p) {
      p = (async () => {
        const rows = await this.store.recentTxns(userId, deviceId, this.now() - WINDOW_MS, MAX_PER_DEVICE + 1);
        const dev: DeviceTxns = { entries: new Map(rows.slice(0, MAX_PER_DEVICE).map((r) => [r.txnId, r.eventId])), complete: rows.length <= MAX_PER_DEVICE };
        if (this.devices.size >= MAX_DEVICES) this.devices.clear();
        this.devices.set(key, dev);
        return dev;
      })().finally(() => this.loading.delete(key));
      this.loading.set(key, p);
    }
    return p;
  }
}
