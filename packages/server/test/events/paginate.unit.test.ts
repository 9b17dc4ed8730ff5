// The /messages scan (client-api/events/paginate.ts) over a fake timeline:
// boundaries, `to`, exact-limit pages, invisible stretches and the scan budget.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { paginate, MAX_SCANNED_ROWS } from '../../src/client-api/events/paginate.js';
import { VisibilityTimeline } from '../../src/visibility/historyVisibility.js';
import type { EventRow } from '../../src/storage/ports/rooms.js';
import type { RoomReadStore } from '../../src/storage/ports/roomReads.js';

function row(pos: number, sender = '@a:hs'): EventRow {
  return {
    eventNid: pos, eventId: `$${pos}`, roomNid: 1, roomId: '!r:hs', streamPos: pos, depth: pos, type: 'm.room.message',
    stateKey: null, sender, originServerTs: pos, json: '{"content":{}}', redactedBy: null, membership: null, unsignedJson: null,
  };
}

/** Events at the given positions; counts rows handed out. */
function fakeStore(positions: number[], senderOf: (p: number) => string = () => '@a:hs') {
  const rows = positions.map((p) => row(p, senderOf(p)));
  const store = {
    served: 0,
    async eventsDesc(_r: number, upper: number, lower: number | null, limit: number) {
      const out = rows.filter((e) => e.streamPos <= upper && (lower === null || e.streamPos > lower)).reverse().slice(0, limit);
      store.served += out.length;
      return out;
    },
    async eventsAsc(_r: number, lower: number, upper: number, limit: number) {
      const out = rows.filter((e) => e.streamPos > lower && e.streamPos <= upper).slice(0, limit);
      store.served += out.length;
      return out;
    },
  };
  return store as typeof store & RoomReadStore;
}

// A user joined at position 0 sees everything.
const everything = new VisibilityTimeline('@u:hs', [{ streamPos: 0, type: 'm.room.member', membership: 'join' }]);
const base = { roomNid: 1, roomId: '!r:hs', to: null, filter: undefined, timeline: everything };
const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => from + i);

describe('paginate', () => {
  it('backwards: newest first, cursor just below the last row, more until the start', async () => {
    const store = fakeStore(range(1, 25));
    const p1 = await paginate(store, { ...base, dir: 'b', from: 25, upto: 25, limit: 10 });
    assert.deepEqual(p1.rows.map((r) => r.streamPos), range(16, 25).reverse());
    assert.equal(p1.cursor, 15);
    assert.equal(p1.more, true);
    const p3 = await paginate(store, { ...base, dir: 'b', from: 5, upto: 25, limit: 10 });
    assert.deepEqual(p3.rows.map((r) => r.streamPos), [5, 4, 3, 2, 1]);
    assert.equal(p3.more, false);
  });

  it('a page that ends exactly at the last row knows there is no more (short batch)', async () => {
    const store = fakeStore(range(1, 10));
    const p = await paginate(store, { ...base, dir: 'b', from: 10, upto: 10, limit: 10 });
    assert.equal(p.rows.length, 10);
    assert.equal(p.more, false);
  });

  it('forwards: oldest first, bounded by `to` and by upto', async () => {
    const store = fakeStore(range(1, 30));
    const p = await paginate(store, { ...base, dir: 'f', from: 5, to: 12, upto: 30, limit: 100 });
    assert.deepEqual(p.rows.map((r) => r.streamPos), range(6, 12));
    assert.equal(p.more, false);
    const capped = await paginate(store, { ...base, dir: 'f', from: 25, upto: 27, limit: 100 });
    assert.deepEqual(capped.rows.map((r) => r.streamPos), [26, 27]);
    const b = await paginate(store, { ...base, dir: 'b', from: 30, to: 27, upto: 30, limit: 100 });
    assert.deepEqual(b.rows.map((r) => r.streamPos), [30, 29, 28]);
    assert.equal(b.more, false);
  });

  it('an empty range answers no more; limit 0 returns nothing but more', async () => {
    const store = fakeStore(range(1, 5));
    assert.equal((await paginate(store, { ...base, dir: 'f', from: 5, upto: 5, limit: 10 })).more, false);
    const zero = await paginate(store, { ...base, dir: 'b', from: 5, upto: 5, limit: 0 });
    assert.deepEqual(zero.rows, []);
    assert.equal(zero.cursor, 5);
  });

  it('skips invisible and filtered rows and keeps scanning; ignored senders drop out', async () => {
    // Joined at 50: with history "joined", 1..49 are invisible.
    const late = new VisibilityTimeline('@u:hs', [
      { streamPos: 0, type: 'm.room.history_visibility', membership: null, historyVisibility: 'joined' },
      { streamPos: 50, type: 'm.room.member', membership: 'join' },
    ]);
    const store = fakeStore(range(1, 60), (p) => (p % 2 ? '@odd:hs' : '@even:hs'));
    const p = await paginate(store, { ...base, timeline: late, dir: 'b', from: 60, upto: 60, limit: 100 });
    assert.deepEqual(p.rows.map((r) => r.streamPos), range(51, 60).reverse());
    assert.equal(p.more, false);
    const f = await paginate(store, { ...base, dir: 'b', from: 60, upto: 60, limit: 3, filter: { senders: ['@odd:hs'] } });
    assert.deepEqual(f.rows.map((r) => r.streamPos), [59, 57, 55]);
    const ig = await paginate(store, { ...base, dir: 'f', from: 0, upto: 60, limit: 3, ignored: new Set(['@odd:hs']) });
    assert.deepEqual(ig.rows.map((r) => r.streamPos), [2, 4, 6]);
  });

  it('stops after the scan budget with a cursor to resume from', async () => {
    const n = MAX_SCANNED_ROWS + 500;
    const store = fakeStore(range(1, n));
    const none = { senders: ['@nobody:hs'] };
    const p = await paginate(store, { ...base, filter: none, dir: 'b', from: n, upto: n, limit: 10 });
    assert.deepEqual(p.rows, []);
    assert.equal(p.more, true);
    assert.ok(store.served >= MAX_SCANNED_ROWS && store.served < MAX_SCANNED_ROWS + 1000);
    const rest = await paginate(store, { ...base, filter: none, dir: 'b', from: p.cursor, upto: n, limit: 10 });
    assert.equal(rest.more, false);
  });

  it('jumps over stretches hidden by history visibility without reading them', async () => {
    // Room: 1..3 creation under default shared, hv "joined" at 4, 5..9004
    // messages, the user joins at 9005, messages to 9010.
    const n = 9010;
    const t = new VisibilityTimeline('@u:hs', [
      { streamPos: 4, type: 'm.room.history_visibility', membership: null, historyVisibility: 'joined' },
      { streamPos: 9005, type: 'm.room.member', membership: 'join' },
    ]);
    const store = fakeStore(range(1, n));
    const rowAt = async (p: number) => (await store.eventsAsc(1, p - 1, p, 1))[0]!;
    Object.assign(await rowAt(4), { type: 'm.room.history_visibility', stateKey: '', json: '{"content":{"history_visibility":"joined"}}' });
    Object.assign(await rowAt(9005), { type: 'm.room.member', stateKey: '@u:hs', membership: 'join' });
    store.served = 0;
    const back = await paginate(store, { ...base, timeline: t, dir: 'b', from: n, upto: n, limit: 100 });
    // 9006..9010, the join itself, the hv change (visible: before it was shared
    // and the user joined later), and 1..3 (shared, joined later).
    assert.deepEqual(back.rows.map((r) => r.streamPos), [9010, 9009, 9008, 9007, 9006, 9005, 4, 3, 2, 1]);
    assert.equal(back.more, false);
    assert.ok(store.served < 100, `read ${store.served} rows`);
    store.served = 0;
    const fwd = await paginate(store, { ...base, timeline: t, dir: 'f', from: 0, upto: n, limit: 100 });
    assert.deepEqual(fwd.rows.map((r) => r.streamPos), [1, 2, 3, 4, 9005, 9006, 9007, 9008, 9009, 9010]);
    assert.ok(store.served < 100, `read ${store.served} rows`);
    // A user who never joined: nothing, and the cursor stays a valid token.
    const never = new VisibilityTimeline('@u:hs', [{ streamPos: 4, type: 'm.room.history_visibility', membership: null, historyVisibility: 'joined' }]);
    const none = await paginate(store, { ...base, timeline: never, dir: 'b', from: n, upto: n, limit: 10 });
    assert.deepEqual(none.rows, []);
    assert.equal(none.more, false);
    assert.ok(none.cursor >= 0);
  });
});
