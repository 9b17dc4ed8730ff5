// TxnCache: transaction-ID dedupe from memory after one load per device; a
// device whose memory was trimmed falls back to the database.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { TxnCache } from '../../src/rooms/TxnCache.js';
import type { RoomStore } from '../../src/storage/ports/rooms.js';

function fakeStore(rows: Map<string, string>) {
  const calls = { recent: 0, lookup: 0 };
  const store = {
    async recentTxns() {
      calls.recent++;
      return [...rows].map(([txnId, eventId]) => ({ txnId, eventId }));
    },
    async txnEventId(_u: string, _d: string, txnId: string) {
      calls.lookup++;
      return rows.get(txnId);
    },
  } as unknown as RoomStore;
  return { store, calls };
}

describe('TxnCache', () => {
  it('loads a device once, then answers hits and misses from memory', async () => {
    const { store, calls } = fakeStore(new Map([['old', '$old']]));
    const cache = new TxnCache(store);
    assert.equal(await cache.lookup('@u:x', 'D', 'old'), '$old');
    assert.equal(await cache.lookup('@u:x', 'D', 'new'), undefined);
    cache.remember('@u:x', 'D', 'new', '$new');
    assert.equal(cache.lookup('@u:x', 'D', 'new'), '$new'); // synchronous
    assert.equal(cache.lookup('@u:x', 'D', 'other'), undefined); // synchronous miss
    assert.deepEqual(calls, { recent: 1, lookup: 0 });
    // Another device of the same user is loaded separately.
    assert.equal(await cache.lookup('@u:x', 'E', 'old'), '$old');
    assert.equal(calls.recent, 2);
  });

  it('after trimming, misses are checked in the database', async () => {
    const db = new Map<string, string>();
    const { store, calls } = fakeStore(db);
    const cache = new TxnCache(store);
    assert.equal(await cache.lookup('@u:x', 'D', 't0'), undefined);
    for (let i = 0; i <= 10_000; i++) {
      db.set(`t${i}`, `$e${i}`);
      cache.remember('@u:x', 'D', `t${i}`, `$e${i}`);
    }
    // t0 was trimmed from memory but is still found.
    assert.equal(await cache.lookup('@u:x', 'D', 't0'), '$e0');
    assert.equal(calls.lookup, 1);
    assert.equal(cache.lookup('@u:x', 'D', 't10000'), '$e10000');
  });
});
